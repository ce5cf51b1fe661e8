//! Service accounts: the identity every pod runs as and the API credentials
//! it carries.

pub mod default_account;
pub mod deprecated_field;
pub mod legacy_tokens;
pub mod no_automount_service_account_token;
pub mod projected_tokens;
pub mod service_account_no_automount;

use kit::Control;

/// Logical access (CC6.1) and least privilege (CC6.3); access control,
/// authentication information and secure authentication (A.5.15, A.5.17, A.8.5).
pub const SOC2: &[&str] = &["CC6.1", "CC6.3"];
pub const ISO_TOKENS: &[&str] = &["A.5.15", "A.5.17", "A.8.5"];

pub static CONTROLS: &[&Control] = &[
    &no_automount_service_account_token::CONTROL,
    &service_account_no_automount::CONTROL,
    &default_account::CONTROL,
    &deprecated_field::CONTROL,
    &legacy_tokens::CONTROL,
    &projected_tokens::CONTROL,
];
