//! The shared library's soname, so programs link against `libmpr.so.0` and survive
//! compatible updates.
fn main() {
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libmpr.so.0");
}
