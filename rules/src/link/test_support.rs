//! Small projects for the tests of linking and of the rules: each file goes through the real
//! per-file analysis, module gates are resolved across files, and [`TestProject::facts`]
//! links them as the pipeline does.

use crate::extract::analyze::analyze_file;
use crate::extract::file::FileAnalysis;
use crate::extract::rust::webhooks::FnFacts;
use crate::ground::finding::Finding;
use crate::link::facts::Facts;
use crate::link::requests::ResolvedRequest;
use crate::link::webhooks::{build, Handler, WebhookModel};
use crate::project::model::{Environment, Package, PackageSide, ProjectModel};

pub struct TestProject {
    pub model: ProjectModel,
    pub files: Vec<FileAnalysis>,
    /// Each file's path and text, as given.
    sources: Vec<(String, String)>,
}

impl TestProject {
    /// A live project of these `(path, text)` files, with no packages declared.
    pub fn new(files: &[(&str, &str)]) -> TestProject {
        TestProject::with_model(ProjectModel::new(Environment::Live), files)
    }

    /// The same, with `dir` declared a browser-side package (a wasm crate).
    pub fn with_client_package(dir: &str, files: &[(&str, &str)]) -> TestProject {
        let mut model = ProjectModel::new(Environment::Live);
        model.packages.push(Package {
            name: dir.into(),
            dir: dir.into(),
            side: PackageSide::Client,
            reason: String::new(),
        });
        TestProject::with_model(model, files)
    }

    pub fn with_model(model: ProjectModel, files_in: &[(&str, &str)]) -> TestProject {
        let mut files: Vec<FileAnalysis> = files_in
            .iter()
            .map(|(path, text)| analyze_file(&model, path, text.as_bytes()))
            .collect();
        crate::link::modules::resolve(&model, &mut files);
        let sources = files_given(files_in);
        TestProject {
            model,
            files,
            sources,
        }
    }

    /// The files linked, as the rules see them.
    pub fn facts(&self) -> Facts<'_> {
        Facts::link(&self.model, &self.files)
    }

    /// The webhook handlers and what they reach, linked alone.
    pub fn webhooks(&self) -> WebhookModel<'_> {
        build(&self.model, &self.files)
    }

    /// The function named `name` in any file.
    pub fn function(&self, name: &str) -> &FnFacts {
        self.files
            .iter()
            .flat_map(|f| &f.webhooks.functions)
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("no function `{name}`"))
    }

    /// The source text each finding points at.
    pub fn flagged(&self, findings: &[Finding]) -> Vec<String> {
        findings
            .iter()
            .map(|finding| {
                let (_, text) = self
                    .sources
                    .iter()
                    .find(|(path, _)| *path == finding.path)
                    .expect("a finding in a file of the project");
                text[finding.span.clone()].to_string()
            })
            .collect()
    }
}

fn files_given(files: &[(&str, &str)]) -> Vec<(String, String)> {
    files
        .iter()
        .map(|(path, text)| (path.to_string(), text.to_string()))
        .collect()
}

/// A live project of one Rust file, `src/lib.rs`.
pub fn rust(source: &str) -> TestProject {
    TestProject::new(&[("src/lib.rs", source)])
}

/// `POST gate-api.0bit.app/v1/gate_sessions`: a resolved request's method, host and path,
/// with runtime pieces as `{…}`.
pub fn describe(request: &ResolvedRequest) -> String {
    format!(
        "{} {}{}",
        request.method.as_deref().unwrap_or("GET"),
        request.host.name,
        request.path.replace(crate::link::requests::RUNTIME, "{…}")
    )
}

/// The names of the handlers found, in order.
pub fn handler_names<'m>(model: &'m WebhookModel) -> Vec<&'m str> {
    model
        .handlers
        .iter()
        .map(|h| h.function.name.as_str())
        .collect()
}

/// The handler named `name`.
pub fn handler<'m, 'a>(model: &'m WebhookModel<'a>, name: &str) -> &'m Handler<'a> {
    model
        .handlers
        .iter()
        .find(|h| h.function.name == name)
        .unwrap_or_else(|| panic!("no handler `{name}` in {:?}", handler_names(model)))
}
