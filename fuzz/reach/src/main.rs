//! Replays a corpus through the harness (uninstrumented) and prints counts: files, notes by
//! kind, facts each analysis extracted, findings by rule. A zero row is code the corpus never
//! reaches.
use std::collections::BTreeMap;

use launchlint_fuzz::{paths, project};
use launchlint_rules::extract::file::FileAnalysis;
use launchlint_rules::pipeline as analysis;
use launchlint_rules::rules::Levels;
use launchlint_rules::project::model::ProjectModel;

#[derive(Default)]
struct Counts(BTreeMap<String, usize>);

impl Counts {
    fn add(&mut self, key: impl Into<String>, n: usize) {
        *self.0.entry(key.into()).or_default() += n;
    }
    fn file(&mut self, f: &FileAnalysis) {
        self.add(format!("files/{:?}", f.class.kind), 1);
        self.add(format!("files/{:?}/{:?}", f.class.kind, f.class.package_side), 1);
        for n in &f.notes {
            self.add(format!("notes/{:?}", n.kind), 1);
        }
        let facts = [
            ("credentials", f.credentials.len()),
            ("env_reads", f.env_reads.len()),
            ("env_assignments", f.env_assignments.len()),
            ("mod_decls", f.mod_decls.len()),
            ("includes", f.includes.len()),
            ("calls.requests", f.calls.requests.len()),
            ("calls.consts", f.calls.consts.len()),
            ("calls.fields", f.calls.fields.len()),
            ("calls.call_args", f.calls.call_args.len()),
            ("calls.structs", f.calls.structs.len()),
            ("calls.origins", f.calls.origins.len()),
            ("webhooks.functions", f.webhooks.functions.len()),
            ("webhooks.routed", f.webhooks.routed.len()),
            ("webhooks.routes", f.webhooks.routes.len()),
            ("webhooks.signature_guards", f.webhooks.signature_guards.len()),
            ("webhooks.structs", f.webhooks.structs.len()),
            ("webhooks.enums", f.webhooks.enums.len()),
            ("origins", f.origins.len()),
            ("hosts", f.hosts.len()),
            ("imports", f.imports.len()),
            ("suppressions", f.suppressions.len()),
        ];
        let mapped = f
            .credentials
            .iter()
            .filter(|h| h.context.origin.is_some())
            .count();
        let facts = [facts.as_slice(), &[("credentials with an origin (map source, wasm data)", mapped)]].concat();
        for (name, n) in facts {
            if n > 0 {
                self.add(format!("facts/{name} (files)"), 1);
                self.add(format!("facts/{name} (items)"), n);
            }
        }
    }
}

fn run(counts: &mut Counts, model: &ProjectModel, inputs: &[(&str, &[u8])]) {
    // On a worker with the binary's stack, like the harness.
    let mut files: Vec<FileAnalysis> = launchlint_fuzz::analyze_all(model, inputs);
    let outcome = analysis::check(model, &mut files, &Levels::default());
    for f in &files {
        counts.file(f);
    }
    for finding in &outcome.findings {
        counts.add(format!("findings/{}", finding.rule), 1);
    }
    counts.add("suppressed", outcome.suppressed);
}

fn main() {
    let mut args = std::env::args().skip(1);
    let target = args.next().expect("usage: reach <target> <corpus dir>...");
    let mut counts = Counts::default();
    let mut inputs = 0;
    for dir in args {
        let mut entries: Vec<_> = std::fs::read_dir(&dir).expect("read corpus").flatten().collect();
        entries.sort_by_key(|e| e.path());
        for entry in entries {
            let data = std::fs::read(entry.path()).expect("read input");
            inputs += 1;
            let model = launchlint_fuzz::model();
            let single = |p: &[&'static str]| launchlint_fuzz::pick(p, &data);
            match target.as_str() {
                "project" => {
                    let files = project::split(&data);
                    let model = project::build_model(&files);
                    let ins: Vec<(&str, &[u8])> =
                        files.iter().map(|(p, c)| (p.as_str(), *c)).collect();
                    counts.add(format!("model/packages={}", model.packages.len().min(3)), 1);
                    counts.add(format!("model/config={}", model.launch.path.is_some()), 1);
                    run(&mut counts, &model, &ins);
                }
                "launchlint_config" => launchlint_fuzz::config_target::run(&data),
                t => {
                    let list = match t {
                        "rust" => paths::RUST,
                        "js" => paths::JS,
                        "env" => paths::ENV,
                        "config_files" => paths::CONFIG_FILES,
                        "markdown" => paths::MARKDOWN,
                        "source_map" => paths::SOURCE_MAP,
                        "wasm" => paths::WASM,
                        _ => panic!("unknown target {t}"),
                    };
                    run(&mut counts, model, &[(single(list), &data)]);
                }
            }
        }
    }
    println!("{target}: {inputs} inputs");
    for (k, v) in &counts.0 {
        println!("  {k:<45} {v}");
    }
}
