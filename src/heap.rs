//! How the heap is set up for briefgen's allocation pattern, on Linux with glibc (elsewhere
//! these do nothing). A brief touches some 50 MB of fresh heap in waves (a render, a
//! layout, the next candidate), and the kernel's page faults took a tenth of an
//! all-countries brief.

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod glibc {
    use std::ffi::{c_int, c_void};

    unsafe extern "C" {
        fn mallopt(param: c_int, value: c_int) -> c_int;
        fn malloc(size: usize) -> *mut c_void;
        fn free(ptr: *mut c_void);
        fn madvise(addr: *mut c_void, len: usize, advice: c_int) -> c_int;
        fn sbrk(increment: isize) -> *mut c_void;
    }

    const M_TRIM_THRESHOLD: c_int = -1;
    const M_TOP_PAD: c_int = -2;
    const M_MMAP_THRESHOLD: c_int = -3;
    const MADV_HUGEPAGE: c_int = 14;
    /// glibc's largest mmap threshold on 64-bit (`DEFAULT_MMAP_THRESHOLD_MAX`).
    const MMAP_THRESHOLD_MAX: usize = 32 << 20;
    /// How far the main arena's heap is grown up front, for `huge_pages_here` to cover: more
    /// than a dataset twenty times the report's fills (the whole process, every thread's
    /// heap with it, peaks at about 60 MB there).
    const MAIN_HEAP: usize = 64 << 20;
    /// The size and alignment of the heaps glibc maps for threads' arenas on 64-bit.
    const THREAD_HEAP: usize = 64 << 20;
    const HUGE_PAGE: usize = 2 << 20;

    pub fn keep_headroom() {
        // SAFETY: mallopt only sets malloc parameters; called before any thread starts. The
        // blocks are freed at once, untouched (only malloc's own headers are written);
        // `black_box`, or the compiler drops a malloc whose block is never used.
        unsafe {
            mallopt(M_TOP_PAD, 16 << 20);
            mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_MAX as c_int);
            mallopt(M_TRIM_THRESHOLD, (2 * MAIN_HEAP) as c_int);
            let blocks: Vec<*mut c_void> = (0..MAIN_HEAP / (MMAP_THRESHOLD_MAX / 2)).map(|_| std::hint::black_box(malloc(MMAP_THRESHOLD_MAX / 2))).collect();
            for b in blocks {
                free(b);
            }
        }
    }

    pub fn huge_pages_here() {
        // SAFETY: a small allocation freed at once; madvise(MADV_HUGEPAGE) is a hint about
        // memory already mapped to this process and changes no contents (a range it does
        // not apply to is refused with an error, ignored here).
        unsafe {
            let probe = malloc(64);
            if probe.is_null() {
                return;
            }
            let at = probe as usize;
            let brk = sbrk(0) as usize;
            if at > brk {
                // A thread's arena: its heap is the aligned block the allocation is in.
                madvise((at & !(THREAD_HEAP - 1)) as *mut c_void, THREAD_HEAP, MADV_HUGEPAGE);
            } else {
                // The main arena: what sbrk has given it so far (with the headroom, 16 MB),
                // from the first 2 MB boundary inside it (only whole 2 MB pages are
                // mapped so; below it lie the binary's own mappings).
                let start = (at + HUGE_PAGE - 1) & !(HUGE_PAGE - 1);
                if start < brk {
                    madvise(start as *mut c_void, brk - start, MADV_HUGEPAGE);
                }
            }
            free(probe);
        }
    }
}

/// glibc's malloc hands the free top of its heap back to the kernel as soon as it passes
/// 128 KB and asks for it again at the next allocation, where every page faults afresh.
/// With 16 MB kept in hand each all-countries brief takes 3.4 to 4.4 ms less (5 to 6 %, 30
/// runs in turn, as `GLIBC_TUNABLES=glibc.malloc.top_pad=16777216`); 4 MB saved 0.9 ms, 64
/// MB no more than 16; the matrix's peak memory stayed at 53 to 55 MB.
///
/// Blocks over 128 KB (a kept dataset read whole, the decoded dataset's long lists, a
/// brief's passages) were mapped apart, in 4 KB pages, and unmapped when freed: they now
/// come from the heap, and the main arena's heap is grown to 64 MB up front (address
/// space only, never touched) and kept, so that `huge_pages_here` covers what a dataset
/// twenty times the report's fills. What glibc does under
/// `GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.hugetlb=1`, and as
/// fast. Call before any thread starts.
pub fn keep_headroom() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    glibc::keep_headroom();
}

/// Asks the kernel to back the calling thread's heap with 2 MB pages where it gives them
/// on request (`transparent_hugepage` set to `madvise`, as Debian ships it): a fault then
/// maps 2 MB, not 4 KB. What glibc does itself under `GLIBC_TUNABLES=glibc.malloc.hugetlb=1`,
/// which it reads only as a process starts.
pub fn huge_pages_here() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    glibc::huge_pages_here();
}
