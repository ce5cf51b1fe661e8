//! Autoscaling: HorizontalPodAutoscalers that can actually add capacity when
//! demand grows, never drop below a redundant floor, and scale something (A1.1).

pub(crate) const HPA_KIND: &[&str] = &["HorizontalPodAutoscaler"];
