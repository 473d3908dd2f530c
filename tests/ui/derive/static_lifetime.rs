// Must fail: a field copied into the line cannot claim 'static, the line is released soon.
use arena_core::ScanLocal;

#[derive(ScanLocal)]
struct Label {
    #[scan(max = 32)]
    text: &'static str,
}

fn main() {}
