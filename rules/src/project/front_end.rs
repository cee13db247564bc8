//! JavaScript front ends: `package.json` folders, which of their files run on the server,
//! and the directives (`"use client"`) and frontmatter that say so.

use crate::project::files::file_name;

/// A folder with a `package.json` (or a trunk front end).
#[derive(Clone, Debug)]
pub struct FrontEnd {
    pub dir: String,
    /// A Node back end (express, fastify, …) with no front-end framework: all server.
    pub server_only: bool,
    /// A Next.js app: files under `app/` are server components unless they say "use client".
    pub next: bool,
}

/// Server paths of a front-end package (spec §2): API routes, route handlers, server folders,
/// `*.server.*` files, SvelteKit `+server.*` endpoints, build tool config that runs in Node
/// (`vite.config.ts`), and Next.js `middleware`/`instrumentation`, which run on the server.
pub(crate) fn is_server_path(inner: &str) -> bool {
    let name = file_name(inner);
    let dirs: Vec<&str> = inner.split('/').collect();
    let dirs = &dirs[..dirs.len() - 1];
    let in_app_dir = dirs.first().is_some_and(|d| *d == "app")
        || (dirs.first() == Some(&"src") && dirs.get(1) == Some(&"app"));
    inner.starts_with("pages/api/")
        || inner.starts_with("src/pages/api/")
        || (in_app_dir && name.starts_with("route."))
        || dirs.contains(&"server")
        || name.contains(".server.")
        || (dirs.is_empty() && name.contains(".config."))
        || name.starts_with("+server.")
        || ((dirs.is_empty() || dirs == ["src"])
            && (name.starts_with("middleware.") || name.starts_with("instrumentation.")))
}

/// The directive prologue of a JS module: the string statements (`"use client";`) before
/// any other code, after comments.
pub(crate) fn directives(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = text.trim_start_matches('\u{feff}');
    loop {
        rest = rest.trim_start();
        if let Some(comment) = rest.strip_prefix("//") {
            rest = comment.split_once('\n').map_or("", |(_, after)| after);
        } else if let Some(comment) = rest.strip_prefix("/*") {
            rest = comment.split_once("*/").map_or("", |(_, after)| after);
        } else if let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') {
            let Some((directive, after)) = rest[1..].split_once(quote) else {
                break;
            };
            found.push(directive);
            rest = after.trim_start().trim_start_matches(';');
        } else {
            break;
        }
    }
    found
}

/// `import "server-only"`: the module refuses to be bundled for the browser.
pub(crate) fn imports_server_only(text: &str) -> bool {
    text.contains("import \"server-only\"") || text.contains("import 'server-only'")
}

/// `"use client"` in a module's directive prologue.
pub fn declares_use_client(text: &str) -> bool {
    directives(text).contains(&"use client")
}

/// The byte range of an Astro component's frontmatter (the `---` fenced script at the top),
/// which runs on the server and is never shipped.
pub fn astro_frontmatter(text: &str) -> Option<std::ops::Range<usize>> {
    let start = text.len() - text.trim_start().len();
    if !text[start..].starts_with("---") {
        return None;
    }
    let body = start + 3;
    let end = text[body..]
        .find("\n---")
        .map_or(text.len(), |at| body + at + 4);
    Some(start..end)
}

impl FrontEnd {
    /// A trunk front end (`Trunk.toml`): all its sources are client.
    pub fn trunk(dir: &str) -> FrontEnd {
        FrontEnd {
            dir: dir.to_string(),
            server_only: false,
            next: false,
        }
    }

    /// Reads what matters of a `package.json`: Node packages that name only server
    /// frameworks are back ends; Next.js apps have server components.
    pub fn from_package_json(dir: &str, package_json: &str) -> FrontEnd {
        const FRONT_END: [&str; 14] = [
            "react",
            "react-dom",
            "vue",
            "svelte",
            "@sveltejs/kit",
            "solid-js",
            "preact",
            "next",
            "nuxt",
            "astro",
            "vite",
            "@angular/core",
            "lit",
            "@0bit/gate-js",
        ];
        const BACK_END: [&str; 6] = [
            "express",
            "fastify",
            "koa",
            "@hapi/hapi",
            "@nestjs/core",
            "hono",
        ];
        let value = serde_json::from_str::<serde_json::Value>(package_json).unwrap_or_default();
        let names: Vec<&str> = ["dependencies", "devDependencies"]
            .iter()
            .filter_map(|section| value.get(section)?.as_object())
            .flat_map(|deps| deps.keys().map(String::as_str))
            .collect();
        FrontEnd {
            dir: dir.to_string(),
            server_only: names.iter().any(|n| BACK_END.contains(n))
                && !names.iter().any(|n| FRONT_END.contains(n)),
            next: names.contains(&"next"),
        }
    }
}
