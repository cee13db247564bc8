//! Small projects for unit tests: Rust sources analyzed file by file as the pipeline does,
//! then linked. Shared by the tests of the webhook link and of the webhook rules.

use crate::extract::analyze::analyze_file;
use crate::extract::file::FileAnalysis;
use crate::extract::rust::webhooks::FnFacts;
use crate::link::facts::Facts;
use crate::link::webhooks::{build, Handler, WebhookModel};
use crate::project::model::{Environment, ProjectModel};

/// Analyzed files and the model they were analyzed in.
pub struct Project {
    pub model: ProjectModel,
    pub files: Vec<FileAnalysis>,
}

impl Project {
    /// Files by path (`src/main.rs`) and text, in one package.
    pub fn new(files: &[(&str, &str)]) -> Self {
        let model = ProjectModel::new(Environment::Live);
        let files = files
            .iter()
            .map(|(path, text)| analyze_file(&model, path, text.as_bytes()))
            .collect();
        Project { model, files }
    }

    /// One file, `src/main.rs`.
    pub fn single(source: &str) -> Self {
        Project::new(&[("src/main.rs", source)])
    }

    pub fn webhooks(&self) -> WebhookModel<'_> {
        build(&self.model, &self.files)
    }

    pub fn facts(&self) -> Facts<'_> {
        Facts::link(&self.model, &self.files)
    }

    /// The function named `name` in any file.
    pub fn function(&self, name: &str) -> &FnFacts {
        self.files
            .iter()
            .flat_map(|f| &f.webhooks.functions)
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("no function `{name}`"))
    }
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
