//! What a user sees when they print the arena's types: `Debug` of the arenas, lines and
//! collections (in a panic message, a log line or `dbg!`) shows their state, `Display` of the
//! errors says what was wrong, and an error's `source` leads to its cause.

use core::error::Error;
use core::mem::MaybeUninit;

use arena_core::{
    ArenaFull, BorrowedArena, BufferError, GrowError, LinePool, PoolError, ScanArena, StaticArena,
};

#[test]
fn debug_of_a_static_arena_shows_its_capacity_and_statistics() {
    let mut arena = StaticArena::<64>::new();
    arena.line().try_alloc(1u8).unwrap();
    let text = format!("{arena:?}");
    let head = "StaticArena { capacity: 64, stats: ArenaStats { lines: 1, capacity: 64,";
    assert!(text.starts_with(head), "{text}");
}

#[test]
fn debug_of_a_borrowed_arena_shows_its_capacity_skipped_bytes_and_statistics() {
    #[repr(C, align(16))]
    struct Aligned([MaybeUninit<u8>; 64]);
    let mut buf = Aligned([MaybeUninit::uninit(); 64]);
    // One byte in: 15 bytes are skipped to reach the next 16-byte boundary, and the 48 that
    // follow are the capacity.
    let mut arena = BorrowedArena::new(&mut buf.0[1..]);
    arena.line().try_alloc(1u8).unwrap();
    let text = format!("{arena:?}");
    let head = "BorrowedArena { capacity: 48, skipped: 15, stats: ArenaStats { lines: 1, \
                capacity: 48,";
    assert!(text.starts_with(head), "{text}");
}

#[test]
fn debug_of_a_line_and_a_checkpoint_shows_the_line_index_and_use() {
    let mut arena = StaticArena::<64>::new();
    drop(arena.line());
    let mut line = arena.line();
    line.try_alloc(1u8).unwrap();
    let text = format!("{line:?}");
    assert_eq!(
        text,
        format!(
            "Line {{ index: {}, used: 16, capacity: 64, high_water: 16 }}",
            line.index()
        )
    );
    let index = line.index();
    let checkpoint = line.checkpoint();
    checkpoint.try_alloc([0u8; 20]).unwrap();
    assert_eq!(
        format!("{checkpoint:?}"),
        format!(
            "Checkpoint {{ line: Line {{ index: {index}, used: 48, capacity: 64, \
             high_water: 48 }} }}"
        )
    );
}

#[test]
fn debug_of_the_line_collections_shows_their_contents() {
    let mut arena = StaticArena::<256>::new();
    let line = arena.line();
    let mut xs = line.try_vec_with_capacity::<u16>(3).unwrap();
    xs.try_extend_from_slice(&[7, 8]).unwrap();
    assert_eq!(format!("{xs:?}"), "[7, 8]");
    let mut s = line.try_string_with_capacity(8).unwrap();
    s.try_push_str("a\"b").unwrap();
    assert_eq!(format!("{s:?}"), r#""a\"b""#);
    assert_eq!(format!("{s}"), "a\"b");
    let tip = line.try_alloc_tip_slice(&[1u8, 2]).unwrap();
    assert_eq!(
        format!("{tip:?}"),
        "TipSlice { values: [1, 2], is_last: true }"
    );
}

#[test]
fn a_full_collection_says_what_it_holds_and_what_to_do() {
    let mut arena = StaticArena::<64>::new();
    let line = arena.line();
    let mut xs = line.try_vec_with_capacity::<u8>(2).unwrap();
    let err = xs.try_extend_from_slice(&[1, 2, 3]).unwrap_err();
    assert_eq!(
        format!("{err:?}"),
        "CapacityFull { len: 0, capacity: 2, additional: 3, .. }"
    );
    let text = err.to_string();
    assert!(
        text.starts_with(
            "bounded line collection full: it holds 0 of its capacity of 2 and cannot take 3 \
             more;"
        ),
        "{text}"
    );
    assert!(text.contains("create it with a larger capacity"), "{text}");
}

#[test]
fn a_slice_that_cannot_grow_says_why() {
    let mut arena = StaticArena::<64>::new();
    let line = arena.line();
    let index = line.index();
    let mut tip = line.try_alloc_tip_slice(&[1u8, 2, 3]).unwrap();
    line.try_alloc(0u8).unwrap();
    let err = tip.try_grow(5, 0).unwrap_err();
    let text = err.to_string();
    let want = format!(
        "cannot grow a slice of 3 values in place: it is no longer the last allocation of \
         scan-line {index}"
    );
    assert!(text.starts_with(&want), "{text}");

    let mut arena = StaticArena::<64>::new();
    let line = arena.line();
    let mut tip = line.try_alloc_tip_slice(&[1u8, 2, 3]).unwrap();
    let err = tip.try_grow(65, 0).unwrap_err();
    let GrowError::Full(full) = err else {
        panic!("expected Full, got {err:?}");
    };
    assert_eq!(err.to_string(), full.to_string());
    assert!(err.to_string().contains("scan-line arena full"), "{err}");
}

#[test]
fn debug_of_a_pool_and_display_of_its_errors() {
    let builder = ScanArena::builder().capacity(64);
    let pool = LinePool::with_builder(2, builder).unwrap();
    let text = format!("{pool:?}");
    let head = "LinePool { capacity: 64, workers: 2, stats: ArenaStats { lines: 0, capacity: 64,";
    assert!(text.starts_with(head), "{text}");

    let buffer = ScanArena::try_with_capacity(usize::MAX).unwrap_err();
    let err: PoolError<BufferError> = PoolError::Arena(buffer);
    assert_eq!(
        err.to_string(),
        format!("adding a worker arena to the line pool: {buffer}")
    );
    let err: PoolError<&str> = PoolError::Row {
        row: 4,
        error: "no fix",
    };
    assert_eq!(err.to_string(), "row 4: no fix");
}

#[test]
fn an_errors_source_is_its_cause() {
    let mut arena = StaticArena::<64>::new();
    let line = arena.line();
    let mut tip = line.try_alloc_tip_slice(&[1u8, 2, 3]).unwrap();
    let err = tip.try_grow(65, 0).unwrap_err();
    let GrowError::Full(full) = err else {
        panic!("expected Full, got {err:?}");
    };
    let source = err.source().and_then(|s| s.downcast_ref::<ArenaFull>());
    assert_eq!(source, Some(&full));
    line.try_alloc(0u8).unwrap();
    let not_last = tip.try_grow(4, 0).unwrap_err();
    assert!(matches!(not_last, GrowError::NotLast { .. }));
    assert!(not_last.source().is_none());

    let buffer = ScanArena::try_with_capacity(usize::MAX).unwrap_err();
    let err: PoolError<ArenaFull> = PoolError::Arena(buffer);
    let source = err.source().and_then(|s| s.downcast_ref::<BufferError>());
    assert_eq!(source, Some(&buffer));
    let err: PoolError<ArenaFull> = PoolError::Row {
        row: 1,
        error: full,
    };
    let source = err.source().and_then(|s| s.downcast_ref::<ArenaFull>());
    assert_eq!(source, Some(&full));
}
