//! The allocator of the wasm modules: a bump arena that rewinds whenever every
//! allocation made since `wapc_init` has been freed.
//!
//! Parsing a 5 KB admission request into JSON values makes a few hundred small
//! allocations; with a general-purpose malloc, allocating and freeing them costs
//! about as much as every check together. A module evaluates one request at a
//! time on one thread, and everything a request allocates is dropped by the end
//! of the waPC call — so between calls nothing allocated after initialisation is
//! alive, and the arena can start over. policy-server even uses a fresh instance
//! per request; the rewind keeps a reused instance (kwctl, `kube-soc2 bench`)
//! from growing.
//!
//! If something allocated during a call stays alive (a lazily filled static, say),
//! the arena just keeps bumping: memory grows, nothing is corrupted.
//!
//! The request's tree is the exception to "every allocation is freed": its
//! blocks are marked by an address bit and never counted, so that nobody
//! has to walk the tree to free it (`building_tree`).
//!
//! The arena's first blocks are in its own page: the allocator static is a
//! page, aligned on one, that holds its state and then room for blocks
//! (the linker places it after the module's own crate's writable statics,
//! the texts of `kit::cold!` that evaluations do not read, and before the
//! other statics, which start on the page after it). Once that room is
//! full the arena continues right after the statics, in the memory the
//! module starts with, rather than in memory it grows. A fresh instance
//! pays for every page it touches (one to four microseconds each on the
//! bench's VM), and a call touches the arena's state, the other statics and
//! its blocks: laid out this way they take as many pages as their bytes
//! need, wherever the linker put the statics. Before, the arena started
//! right after the statics, and a call took a page more whenever they began
//! late in theirs (four of the nine modules on the bench Pod). wasi-libc's
//! own `malloc` claims the memory after the statics the first time it runs,
//! and the modules link it: only the standard library's panic, allocation-failure and
//! thread-parking paths call it (getenv, getcwd, `Thread::new`), so it never
//! runs in an evaluation that returns. Should it run anyway, it writes over
//! a canary the arena keeps at the start of that memory, and [`Arena::intact`]
//! (checked before every answer leaves the module) turns the evaluation into
//! a trap instead of an answer read from overwritten memory.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;

const PAGE: usize = 65536;
/// The address bit that tells a block of a lent tree from any other (see
/// [`building_tree`]): set in every tree block, clear in every other block
/// (those start on 8 bytes).
const TREE_BIT: usize = 4;
/// Memory is requested from the engine in steps of this many pages (1 MiB).
const GROW_PAGES: usize = 16;

#[derive(Default)]
struct State {
    /// Where the arena rewinds to; allocations below it predate `checkpoint`.
    base: usize,
    next: usize,
    end: usize,
    /// The end of the room in the arena's own page (0 until `touch`).
    room_end: usize,
    /// The memory after the statics (0 when there is none), from the first
    /// byte no block kept since `checkpoint` holds: where blocks go once the
    /// room is full, and meanwhile those the room's rest cannot hold (the
    /// request's payload, first of every call); where the next of those
    /// goes, and the end of that memory.
    heap: usize,
    heap_next: usize,
    heap_end: usize,
    /// Allocations at or above `base` not yet freed.
    live: usize,
    armed: bool,
    /// Whether `touch` put the canary at the start of the heap.
    guarded: bool,
    /// False once memory was grown by someone else, leaving a hole between
    /// `base` and `end`: rewinding across it would be unsound, so the arena stops
    /// rewinding.
    contiguous: bool,
}

/// One page: the arena's state, then room for its first blocks.
#[repr(C, align(4096))]
pub struct Arena {
    state: UnsafeCell<State>,
    room: UnsafeCell<[u8; ROOM]>,
}

/// What the arena's page holds after its state.
const ROOM: usize = 4096 - core::mem::size_of::<UnsafeCell<State>>();

/// The least rest of the room worth keeping for the blocks after one it
/// cannot hold.
const ROOM_KEPT: usize = 128;

// SAFETY: wasm32-wasip1 policy modules have exactly one thread.
unsafe impl Sync for Arena {}

impl Arena {
    pub const fn new() -> Arena {
        Arena {
            state: UnsafeCell::new(State {
                base: 0,
                next: 0,
                end: 0,
                room_end: 0,
                heap: 0,
                heap_next: 0,
                heap_end: 0,
                live: 0,
                armed: false,
                guarded: false,
                contiguous: true,
            }),
            room: UnsafeCell::new([0; ROOM]),
        }
    }

    /// Marks the end of initialisation: what is allocated from now on is
    /// per-call and may be rewound once all of it has been freed.
    pub fn checkpoint(&self) {
        // SAFETY: single-threaded; no allocation is in progress while this runs.
        let s = unsafe { &mut *self.state.get() };
        s.base = s.next;
        // Blocks set aside after the statics so far stay there too.
        s.heap = s.heap_next;
        s.live = 0;
        s.armed = true;
        s.contiguous = true;
    }

    /// Writes the module's mutable statics before anything reads them, and
    /// starts the arena in its room. A
    /// fresh instance's memory is mapped page by page as it is touched: a
    /// page first read and then written is mapped read-only and then
    /// copied (two page faults, and a copy-on-write break that flushes the
    /// TLB: about 3 µs per fresh instance on the bench's VM, and
    /// policy-server makes an instance per request), a page first written
    /// is mapped once. The statics are the arena's page, then the other
    /// initialised ones (the waPC registry…), then the zero-initialised ones
    /// (the standard library's, among them the hash keys the waPC registry
    /// reads first): under a kilobyte after the arena's page, on the page
    /// after it (the texts of [`crate::cold!`], which an evaluation does not
    /// read, come before the arena's page: see `ALLOCATOR`). Writing the
    /// arena's state covers the first; writing a zero just below
    /// `__heap_base` (the end of the zero-initialised statics, or their
    /// padding) covers the second.
    /// Where a read would also have mapped neighbouring read-only pages
    /// (the kernel maps up to 64 KB around a read fault), one of those is
    /// read separately instead, and nothing is lost.
    ///
    /// For the start of `wapc_init`, the first code a waPC host runs in an
    /// instance (the modules have no start function and run no
    /// constructors): every zero-initialised static is still zero then, so
    /// the zero changes nothing. A second `wapc_init` finds the arena in
    /// use and writes only its state (which `checkpoint` sets again).
    pub fn touch(&self) {
        // SAFETY: single-threaded; plain stores: to the arena's state, to a
        // byte that is zero (see above) and stays zero, and to the canary's
        // place, which nothing has allocated yet.
        unsafe {
            let s = self.state.get();
            core::ptr::write_volatile(&raw mut (*s).armed, false);
            #[cfg(target_arch = "wasm32")]
            if (*s).end == 0 {
                let heap = heap_base();
                core::ptr::write_volatile(heap.wrapping_sub(1), 0);
                // Then the memory from the end of the statics to the end of
                // the initial memory, after the canary (see the module's
                // documentation); growing it later continues it.
                let after_statics = canary().map(|canary| {
                    // Word by word, so that the words are the instructions'
                    // immediates: copied whole, the canary is read from
                    // read-only data, a page fault more in a fresh instance.
                    for (i, word) in CANARY.into_iter().enumerate() {
                        core::ptr::write_volatile(canary.cast::<u64>().add(i), word);
                    }
                    (*s).guarded = true;
                    (
                        heap as usize + core::mem::size_of_val(&CANARY),
                        core::arch::wasm32::memory_size(0) * PAGE,
                    )
                });
                self.start_in_room(after_statics);
            }
        }
    }

    /// Starts the arena in its room, to continue in `after` (start, end:
    /// above the arena, as the memory after the statics is) once that is full.
    #[cfg(any(test, target_arch = "wasm32"))]
    fn start_in_room(&self, after: Option<(usize, usize)>) {
        // SAFETY: single-threaded; nothing is allocated yet.
        let s = unsafe { &mut *self.state.get() };
        let room = self.room.get() as usize;
        s.next = room;
        s.end = room + ROOM;
        s.room_end = s.end;
        (s.heap, s.heap_end) = after.unwrap_or((0, 0));
        s.heap_next = s.heap;
    }

    /// False once something other than the arena has written at the start
    /// of the heap: wasi-libc's `malloc` (see the module's documentation).
    pub fn intact(&self) -> bool {
        // SAFETY: single-threaded; once `guarded`, the canary was written in
        // `touch` and the arena never hands its bytes out.
        unsafe {
            !(*self.state.get()).guarded
                || canary().is_some_and(|canary| {
                    CANARY.into_iter().enumerate().all(|(i, word)| {
                        core::ptr::read_volatile(canary.cast::<u64>().add(i)) == word
                    })
                })
        }
    }

    /// Where a block of `size` goes that the current region cannot hold
    /// (0 when the engine refuses more memory). In the room, one its rest
    /// cannot hold goes after the statics while that rest can still hold
    /// smaller ones, so that a call's first block (its payload, larger than
    /// the room) leaves the room to the small ones after it; once the rest
    /// is too small, the arena goes on after the statics; after that, in
    /// memory the engine grows.
    #[cold]
    #[inline(never)]
    fn make_room(s: &mut State, size: usize, align: usize, tree: bool) -> usize {
        if s.end == s.room_end && s.heap != 0 {
            let aside = place(s.heap_next, align, tree);
            let fits = |start: usize, end: usize| start.checked_add(size).is_some_and(|e| e <= end);
            if s.end - s.next >= ROOM_KEPT && fits(aside, s.heap_end) {
                s.heap_next = aside + size;
                return aside;
            }
            s.next = s.heap_next;
            s.end = s.heap_end;
            let start = place(s.next, align, tree);
            if fits(start, s.end) {
                s.next = start + size;
                return start;
            }
        }
        if !Arena::grow(s, size + align.max(8)) {
            return 0;
        }
        let start = place(s.next, align, tree);
        s.next = start + size;
        start
    }

    /// Starts over where `checkpoint` left the arena, once every block a
    /// call allocated has been freed: out of line (once per call; inlined,
    /// it was copied into every `drop` in the modules).
    #[cold]
    #[inline(never)]
    fn rewind(s: &mut State) {
        s.next = s.base;
        s.heap_next = s.heap;
        let in_room = s.room_end != 0 && (s.room_end - ROOM..s.room_end).contains(&s.base);
        if in_room && s.end != s.room_end {
            // Back into the room, and after it into the memory after the
            // statics, as far as it has grown since.
            s.heap_end = s.end;
            s.end = s.room_end;
        }
    }

    /// Extends the arena by at least `needed` bytes; false when the engine refuses.
    fn grow(s: &mut State, needed: usize) -> bool {
        let pages = needed.div_ceil(PAGE).max(GROW_PAGES);
        let previous = memory_grow(pages);
        if previous == usize::MAX {
            return false;
        }
        let start = previous * PAGE;
        if start != s.end {
            // Not adjacent to our last region: continue in the new one.
            if s.armed && s.next > s.base {
                s.contiguous = false;
            }
            if s.armed && s.next == s.base {
                s.base = start;
            }
            s.next = start;
        }
        s.end = start + pages * PAGE;
        true
    }
}

impl Default for Arena {
    fn default() -> Self {
        Arena::new()
    }
}

/// What the arena keeps at the start of the heap (see the module's
/// documentation): no allocator writes this text as a chunk header.
const CANARY: [u64; 2] = [
    u64::from_le_bytes(*b"kube-soc"),
    u64::from_le_bytes(*b"2 arena!"),
];

/// Where the linker put the end of the statics.
#[cfg(target_arch = "wasm32")]
fn heap_base() -> *mut u8 {
    unsafe extern "C" {
        static __heap_base: u8;
    }
    (&raw const __heap_base).cast_mut()
}

/// The canary's place: the start of the heap, when it is aligned for it
/// (`__heap_base` is 16-aligned) and the module's memory holds it.
#[cfg(target_arch = "wasm32")]
fn canary() -> Option<*mut [u64; 2]> {
    let at = heap_base();
    let fits =
        at as usize + core::mem::size_of_val(&CANARY) <= core::arch::wasm32::memory_size(0) * PAGE;
    (fits && at.align_offset(core::mem::align_of::<[u64; 2]>()) == 0).then_some(at.cast())
}

#[cfg(not(target_arch = "wasm32"))]
fn canary() -> Option<*mut [u64; 2]> {
    None
}

#[cfg(target_arch = "wasm32")]
fn memory_grow(pages: usize) -> usize {
    core::arch::wasm32::memory_grow(0, pages)
}

#[cfg(all(not(target_arch = "wasm32"), not(test)))]
fn memory_grow(_pages: usize) -> usize {
    usize::MAX
}

#[cfg(all(not(target_arch = "wasm32"), test))]
fn memory_grow(pages: usize) -> usize {
    tests::memory_grow(pages)
}

impl Arena {
    /// A block of `layout`, one of a lent tree's when `tree` (and its
    /// alignment allows: at most 4, as every block the parser makes).
    /// Inlined (growing the arena stays out of line): a call less per
    /// allocation, which the engine counts as 2 % of every evaluation
    /// (valgrind over wasmtime: access-control 249.8k → 244.3k instructions,
    /// the bundle 427.3k → 418.8k), for about 11 KB of module.
    #[inline]
    unsafe fn alloc_in(&self, layout: Layout, tree: bool) -> *mut u8 {
        // SAFETY: single-threaded, and the allocator is not re-entered.
        let s = unsafe { &mut *self.state.get() };
        let size = layout.size().max(1);
        let tree = tree && layout.align() <= TREE_BIT;
        let start = place(s.next, layout.align(), tree);
        let start = if start.checked_add(size).is_some_and(|e| e <= s.end) {
            s.next = start + size;
            start
        } else {
            match Arena::make_room(s, size, layout.align(), tree) {
                0 => return core::ptr::null_mut(),
                start => start,
            }
        };
        if s.armed && !tree {
            s.live += 1;
        }
        start as *mut u8
    }
}

/// Where a block aligned on `align` can start at or after `next`: a tree
/// block with the tree bit set, any other with it clear, moved up to the
/// next such address when needed (at most 7 bytes, 2 to 4 on average for a
/// block that is moved at all).
#[inline(always)]
fn place(next: usize, align: usize, tree: bool) -> usize {
    let start = next.next_multiple_of(align);
    match (tree, start & TREE_BIT != 0) {
        (true, false) => (start & !(2 * TREE_BIT - 1)) | TREE_BIT,
        (false, true) => (start | (2 * TREE_BIT - 1)) + 1,
        _ => start,
    }
}

/// Whether the block at `ptr` is one of a lent tree's (see `building_tree`).
/// Always false natively, where the arena is not the allocator.
#[inline]
pub fn is_tree_block<T>(ptr: *const T) -> bool {
    cfg!(target_arch = "wasm32") && ptr as usize & TREE_BIT != 0
}

/// `f`, whose allocations (in the modules) are blocks of a lent tree: the
/// tree [`crate::dom::with_parsed`] gives its function, which its contract
/// keeps from outliving that call. The arena does not count them among the
/// blocks a rewind waits for, so that the tree need not be taken apart
/// block by block (the walk that dropped it measured about a tenth of
/// access-control's evaluation): a tree map leaves its members where they
/// are ([`is_tree_block`]), and the next rewind reclaims them with the rest.
/// That is sound because every block of the tree is reachable only from
/// `with_parsed`'s call, which holds a counted block (the document) while
/// it runs, or from a counted block (a clone of a map read on demand later):
/// so no tree block is reachable once the count is zero.
pub(crate) fn building_tree<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "wasm32")]
    {
        // SAFETY: one thread; the flag is only read by the allocator.
        let was = unsafe { BUILDING_TREE.0.get().replace(true) };
        let r = f();
        // SAFETY: as above.
        unsafe { BUILDING_TREE.0.get().write(was) };
        r
    }
    #[cfg(not(target_arch = "wasm32"))]
    f()
}

/// Set while [`building_tree`] runs its function.
#[cfg(target_arch = "wasm32")]
static BUILDING_TREE: Flag = Flag(UnsafeCell::new(false));

#[cfg(target_arch = "wasm32")]
struct Flag(UnsafeCell<bool>);

// SAFETY: wasm32-wasip1 policy modules have exactly one thread.
#[cfg(target_arch = "wasm32")]
unsafe impl Sync for Flag {}

fn building() -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        // SAFETY: one thread, and nothing writes the flag while this reads.
        unsafe { *BUILDING_TREE.0.get() }
    }
    #[cfg(not(target_arch = "wasm32"))]
    false
}

/// The modules' allocator: `kit::__wapc_module!` makes it the global one
/// (through [`Global`]).
/// A static of the kit's rather than of each module's crate: the linker lays
/// out a family's own statics (the texts of [`crate::cold!`]) before the
/// kit's, so the arena's page comes after the texts and right before the
/// other statics, the ones a call touches (see `touch`). In the bundle some
/// families' texts come after the kit's statics; its statics take a page
/// more.
#[cfg(target_arch = "wasm32")]
pub static ALLOCATOR: Arena = Arena::new();

/// [`ALLOCATOR`] as a module's global allocator (`kit::__wapc_module!`
/// declares it `#[global_allocator]`): a zero-sized handle, so that the
/// arena's static stays the kit's.
#[cfg(target_arch = "wasm32")]
pub struct Global;

// SAFETY: forwards every call to `ALLOCATOR`, a `GlobalAlloc` itself.
#[cfg(target_arch = "wasm32")]
unsafe impl GlobalAlloc for Global {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { ALLOCATOR.alloc(layout) }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { ALLOCATOR.dealloc(ptr, layout) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        unsafe { ALLOCATOR.realloc(ptr, layout, new_size) }
    }
}

unsafe impl GlobalAlloc for Arena {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as `GlobalAlloc::alloc`.
        unsafe { self.alloc_in(layout, building()) }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as in `alloc_in`.
        let s = unsafe { &mut *self.state.get() };
        let addr = ptr as usize;
        if !s.armed || addr < s.base {
            return;
        }
        // A tree block was never counted (see `building_tree`).
        if addr & TREE_BIT == 0 {
            s.live = s.live.saturating_sub(1);
            if s.live == 0 && s.contiguous {
                Arena::rewind(s);
                return;
            }
        }
        if addr + layout.size().max(1) == s.next {
            // The most recent allocation: give its bytes back at once.
            s.next = addr;
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as in `alloc`.
        let s = unsafe { &mut *self.state.get() };
        let addr = ptr as usize;
        let old = layout.size().max(1);
        // Growing the most recent allocation (a Vec or String being built) in place.
        // Only above the rewind point: a block below it must never straddle it.
        if addr + old == s.next
            && (!s.armed || addr >= s.base)
            && addr.checked_add(new_size).is_some_and(|e| e <= s.end)
        {
            s.next = addr + new_size.max(1);
            return ptr;
        }
        // Any other block keeps its place when it shrinks: its tail waits
        // for the rewind, where a copy would take new memory for fewer
        // bytes. (No block starts inside that tail, so `dealloc` never
        // takes the smaller block for the most recent one.)
        if new_size <= old {
            return ptr;
        }
        // SAFETY: the layout is valid for `new_size` per GlobalAlloc's contract.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        let new = unsafe { self.alloc(new_layout) };
        if !new.is_null() {
            let n = old.min(new_size);
            // SAFETY: both blocks are valid for the smaller size and do not
            // overlap. A short block is moved without `memory.copy`, a call
            // out of the guest (see `crate::text`).
            unsafe {
                crate::text::copy(ptr, new, n);
                self.dealloc(ptr, layout);
            }
        }
        new
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Mutex, OnceLock};

    const MEMORY_PAGES: usize = 1024;

    /// Natively, the engine's memory is a page-aligned block of the test
    /// process, handed out page by page as `memory.grow` would.
    pub(super) fn memory_grow(pages: usize) -> usize {
        static MEMORY: OnceLock<usize> = OnceLock::new();
        static USED: AtomicUsize = AtomicUsize::new(0);
        let start = *MEMORY.get_or_init(|| {
            let layout = Layout::from_size_align(MEMORY_PAGES * PAGE, PAGE).unwrap();
            // SAFETY: a non-zero size; the block lives as long as the tests.
            unsafe { std::alloc::alloc(layout) as usize }
        });
        let used = USED.fetch_add(pages, Ordering::SeqCst);
        if used + pages > MEMORY_PAGES {
            return usize::MAX;
        }
        start / PAGE + used
    }

    /// One test at a time: they share the memory, and an arena whose memory
    /// is not contiguous stops rewinding.
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

    /// A fresh arena in the middle of a call: initialisation's block kept,
    /// the checkpoint made, and a block the call holds (what keeps a tree
    /// alive: the document of `with_parsed`).
    fn in_a_call() -> (std::sync::MutexGuard<'static, ()>, Arena, usize) {
        let one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let arena = Arena::new();
        alloc(&arena, 64);
        arena.checkpoint();
        let document = alloc(&arena, 40);
        (one, arena, document)
    }

    /// As [`in_a_call`], for an arena that starts in its room and then
    /// continues in the page of test memory after it, as `touch` sets it up
    /// in the modules (where the memory after the statics follows the
    /// arena's page and the page of the other statics).
    fn in_a_call_from_the_room() -> (std::sync::MutexGuard<'static, ()>, &'static Arena, usize) {
        let one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let (arena, _) = started_in_its_room();
        alloc(arena, 64);
        arena.checkpoint();
        let document = alloc(arena, 40);
        (one, arena, document)
    }

    /// An arena in a page of test memory of its own, started in its room,
    /// to continue in the page after it; and where that page starts.
    fn started_in_its_room() -> (&'static Arena, usize) {
        let own_page = (memory_grow(1) * PAGE) as *mut Arena;
        // SAFETY: a page of test memory, aligned for an arena and never
        // handed out again; the arena lives as long as the tests.
        let arena = unsafe {
            own_page.write(Arena::new());
            &*own_page
        };
        let heap = memory_grow(1) * PAGE;
        arena.start_in_room(Some((heap, heap + PAGE)));
        (arena, heap)
    }

    fn room(arena: &Arena) -> core::ops::Range<usize> {
        let start = arena.room.get() as usize;
        start..start + ROOM
    }

    /// The first blocks are in the arena's own page. One its rest cannot
    /// hold goes to the memory after the statics, and the smaller ones
    /// after it still fill the room; once the room's rest is too small, the
    /// arena goes on after the statics; a finished call starts over in the
    /// room.
    #[test]
    fn blocks_fill_the_room_then_the_memory_after_the_statics() {
        let (_one, arena, document) = in_a_call_from_the_room();
        let room = room(arena);
        assert_eq!(core::mem::size_of::<Arena>(), 4096);
        assert_eq!(core::mem::align_of::<Arena>(), 4096);
        assert!(room.contains(&document), "{document:#x}");
        // SAFETY: no allocation is in progress.
        let heap = unsafe { (*arena.state.get()).heap };
        // A payload: larger than the room.
        let payload = alloc(arena, 5380);
        assert_eq!(payload, heap);
        let mut blocks = vec![alloc(arena, 16)];
        assert_eq!(blocks[0], document + 40, "the room goes on");
        while next(arena) + 256 <= room.end {
            blocks.push(alloc(arena, 256));
        }
        assert!(blocks.iter().all(|b| room.contains(b)));
        assert!(room.end - next(arena) < ROOM_KEPT);
        // The room's rest is too small to keep: the arena goes on after
        // the payload.
        let after = alloc(arena, 256);
        assert_eq!(after, payload + 5384);
        let small = alloc(arena, 16);
        assert_eq!(small, after + 256);
        for b in blocks {
            free(arena, b, 256);
        }
        for (b, size) in [(payload, 5380), (after, 256), (small, 16), (document, 40)] {
            free(arena, b, size);
        }
        // The call is over: back to where it started, in the room, and the
        // next payload where the last one was.
        assert_eq!(alloc(arena, 40), document);
        assert_eq!(alloc(arena, 5380), heap);
        assert_eq!(alloc(arena, 8), document + 40);
    }

    /// A block initialisation set aside after the statics is kept: the
    /// calls' blocks go after it, call after call.
    #[test]
    fn a_block_set_aside_before_the_checkpoint_stays() {
        let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let (arena, heap) = started_in_its_room();
        let kept = alloc(arena, 8192);
        assert_eq!(kept, heap);
        arena.checkpoint();
        for _ in 0..2 {
            let payload = alloc(arena, 5380);
            assert_eq!(payload, heap + 8192);
            free(arena, payload, 5380);
        }
    }

    /// Memory the engine grows continues the memory after the statics, and
    /// the room is used again after a rewind all the same.
    #[test]
    fn growing_continues_the_memory_after_the_statics() {
        let (_one, arena, document) = in_a_call_from_the_room();
        // SAFETY: no allocation is in progress.
        let heap = unsafe { (*arena.state.get()).heap };
        let block = alloc(arena, 3 * PAGE / 2);
        assert_eq!(block, heap);
        let further = alloc(arena, PAGE);
        assert_eq!(further, heap + 3 * PAGE / 2);
        free(arena, further, PAGE);
        free(arena, block, 3 * PAGE / 2);
        free(arena, document, 40);
        assert!(room(arena).contains(&next(arena)));
        let big = alloc(arena, 2 * PAGE);
        assert_eq!(big, heap, "the grown memory is the arena's again");
        free(arena, big, 2 * PAGE);
    }

    fn alloc(arena: &Arena, size: usize) -> usize {
        let layout = Layout::from_size_align(size, 8).unwrap();
        // SAFETY: a valid layout.
        let at = unsafe { arena.alloc(layout) } as usize;
        assert_ne!(at, 0, "out of test memory");
        at
    }

    fn free(arena: &Arena, at: usize, size: usize) {
        let layout = Layout::from_size_align(size, 8).unwrap();
        // SAFETY: `at` came from `alloc` with this layout.
        unsafe { arena.dealloc(at as *mut u8, layout) }
    }

    fn next(arena: &Arena) -> usize {
        // SAFETY: no allocation is in progress.
        unsafe { (*arena.state.get()).next }
    }

    fn tree_alloc(arena: &Arena, size: usize) -> usize {
        let layout = Layout::from_size_align(size, 4).unwrap();
        // SAFETY: a valid layout.
        let at = unsafe { arena.alloc_in(layout, true) } as usize;
        assert_ne!(at, 0, "out of test memory");
        at
    }

    /// A lent tree's blocks carry the tree bit, every other block none, and
    /// the rewind waits only for the others: the tree is never taken apart.
    #[test]
    fn a_call_rewinds_without_freeing_its_tree() {
        let (_one, arena, document) = in_a_call();
        let tree: Vec<usize> = (1..=6).map(|i| tree_alloc(&arena, 28 * i)).collect();
        let layout = Layout::from_size_align(3, 1).unwrap();
        // SAFETY: a valid layout.
        let finding = unsafe { arena.alloc(layout) } as usize;
        let wide = Layout::from_size_align(24, 8).unwrap();
        // SAFETY: a valid layout.
        let wide_in_tree = unsafe { arena.alloc_in(wide, true) } as usize;
        for &block in &tree {
            assert_eq!(block & TREE_BIT, TREE_BIT, "{block:#x}");
        }
        for block in [document, finding, wide_in_tree] {
            assert_eq!(block & TREE_BIT, 0, "{block:#x}");
        }
        // Freeing a tree block (an array moved out of the tree) counts nothing.
        free(&arena, tree[2], 28 * 3);
        // SAFETY: blocks allocated above with these layouts.
        unsafe {
            arena.dealloc(finding as *mut u8, layout);
            arena.dealloc(wide_in_tree as *mut u8, wide);
        }
        assert!(next(&arena) > document);
        // The document was the last counted block: the call is over.
        free(&arena, document, 40);
        assert_eq!(next(&arena), document);
    }

    #[test]
    fn the_last_block_goes_back_at_once_and_a_finished_call_rewinds() {
        let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let arena = Arena::new();
        let kept = alloc(&arena, 64); // what initialisation keeps
        arena.checkpoint();
        let a = alloc(&arena, 256);
        let b = alloc(&arena, 512);
        free(&arena, b, 512);
        assert_eq!(next(&arena), b);
        let c = alloc(&arena, 100);
        assert_eq!(c, b);
        free(&arena, a, 256); // not the last: its bytes wait for the rewind
        assert_eq!(next(&arena), c + 100);
        free(&arena, c, 100); // the call's last block: the arena starts over
        assert_eq!(alloc(&arena, 8), a);
        assert!(kept < a);
    }

    /// A shrink moves the end of the most recent block and leaves any other
    /// block where it is, without taking new memory.
    #[test]
    fn a_shrink_never_moves_a_block() {
        let (_one, arena, document) = in_a_call();
        let a = alloc(&arena, 256);
        let b = alloc(&arena, 512);
        let layout = |size| Layout::from_size_align(size, 8).unwrap();
        // SAFETY: blocks allocated above with these layouts.
        unsafe {
            assert_eq!(arena.realloc(a as *mut u8, layout(256), 100) as usize, a);
            assert_eq!(next(&arena), b + 512);
            assert_eq!(arena.realloc(b as *mut u8, layout(512), 200) as usize, b);
            assert_eq!(next(&arena), b + 200);
        }
        free(&arena, b, 200);
        assert_eq!(next(&arena), b);
        free(&arena, a, 100);
        free(&arena, document, 40);
        assert_eq!(next(&arena), document);
    }

    /// Blocks allocated and freed in a scrambled order never overlap a block
    /// still in use: each is filled with its own byte and checked when freed.
    #[test]
    fn no_block_is_handed_out_twice() {
        let (_one, arena, document) = in_a_call();
        scramble(&arena, document);
    }

    /// The same in an arena that starts in its room, as in the modules.
    #[test]
    fn no_block_is_handed_out_twice_from_the_room_on() {
        let (_one, arena, document) = in_a_call_from_the_room();
        scramble(arena, document);
    }

    fn scramble(arena: &Arena, document: usize) {
        let mut live: Vec<(usize, usize, u8)> = Vec::new();
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut random = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for step in 0..20_000 {
            if live.is_empty() || random(3) > 0 {
                let size = [8, 16, 28, 56, 168, 1344][random(6)] + random(40);
                // A third of them a tree's blocks, of every alignment it may ask.
                let tree = random(3) == 0;
                let at = if tree {
                    let layout = Layout::from_size_align(size, 1 << random(3)).unwrap();
                    // SAFETY: a valid layout.
                    unsafe { arena.alloc_in(layout, true) as usize }
                } else {
                    alloc(arena, size)
                };
                assert_eq!(at & TREE_BIT != 0, tree, "step {step}: {at:#x}");
                for &(other, other_size, _) in &live {
                    assert!(
                        at + size <= other || other + other_size <= at,
                        "step {step}"
                    );
                }
                let mark = (step % 251) as u8;
                // SAFETY: the block just allocated, `size` bytes.
                unsafe { core::ptr::write_bytes(at as *mut u8, mark, size) };
                live.push((at, size, mark));
            } else {
                let (at, size, mark) = live.swap_remove(random(live.len()));
                // SAFETY: a live block of `size` bytes.
                let bytes = unsafe { core::slice::from_raw_parts(at as *const u8, size) };
                assert!(bytes.iter().all(|&b| b == mark), "step {step}: overwritten");
                free(arena, at, size);
            }
        }
        // The tree's blocks need not be freed for the arena to start over.
        for (at, size, _) in live.into_iter().filter(|&(at, ..)| at & TREE_BIT == 0) {
            free(arena, at, size);
        }
        free(arena, document, 40);
        // SAFETY: no allocation is in progress.
        let s = unsafe { &*arena.state.get() };
        assert_eq!((s.live, s.next), (0, s.base));
    }
}
