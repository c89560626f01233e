//! Prints the bindings for one spec: `cargo run -p codegen --example raw -- SPEC MODULE_PATH`.
fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("spec path");
    let module_path = args.next().unwrap_or_else(|| "crate".to_owned());
    let text = std::fs::read_to_string(&path).expect("readable spec");
    let options = codegen::Options {
        module_path,
        spec_name: path,
        regen_command: "cargo xtask regen".to_owned(),
        inner_type: None,
    };
    match codegen::generate(&text, &options) {
        Ok(code) => print!("{code}"),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
