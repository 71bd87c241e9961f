//! The emulator's per-method code: the service traits over the engine, the
//! gRPC and REST adapters, and the mockall mocks, one entry per RPC of the
//! schema.
//!
//! Each file is `include!`d by the hand-written module that holds its
//! generic part (`Engine::serve`, `GrpcService::unary`, the REST `unary`),
//! so that it sees what that module sees; nothing here is a module of its
//! own, and so no file starts with an inner doc comment.

use std::fmt::Write as _;

use heck::ToSnakeCase as _;
use prost_reflect::DescriptorPool;

use crate::tables::{CoreMethod, core_methods};

const DIR: &str = "crates/channel-mock/src/generated";

/// Every file of this generator, by its path from the workspace root.
pub(crate) fn outputs(pool: &DescriptorPool) -> Result<Vec<(String, String)>, String> {
    let services = core_methods(pool)?;
    Ok(vec![
        (format!("{DIR}/engine.rs"), engine(&services)),
        (format!("{DIR}/grpc.rs"), grpc(&services)),
        (format!("{DIR}/rest.rs"), rest(&services)?),
        (format!("{DIR}/mocks.rs"), mocks(&services)),
    ])
}

/// `CloudChannelService` from `google.cloud.channel.v1.CloudChannelService`.
fn trait_name(service: &str) -> &str {
    service.rsplit('.').next().unwrap_or(service)
}

/// The `fn` line of a service trait method, up to its body.
fn trait_signature(m: &CoreMethod) -> String {
    format!(
        "fn {}(&self, request: {}, options: ::channel_core::CallOptions) \
         -> ::channel_core::transport::BoxFuture<'_, ::channel_core::Result<{}>>",
        m.snake, m.input, m.output
    )
}

/// The engine behind the service traits: each RPC runs the engine method of
/// the same name through `Engine::serve`. The engine method is called from
/// a module of its own, away from the trait implementations: inside one,
/// the trait's method of the same name would be found instead, and an RPC
/// the engine lacks would read as a call with the wrong arguments.
fn engine(services: &[(String, Vec<CoreMethod>)]) -> String {
    let mut s = String::from(
        "// The service traits over the engine: every RPC goes through `Engine::serve`\n\
         // to the engine method of the same name, `fn(&self, &Caller, Request) ->\n\
         // Result<Response>`. A new RPC fails to compile in `engine_methods` below,\n\
         // naming the method the engine lacks.\n",
    );
    for (service, methods) in services {
        let _ = writeln!(
            s,
            "\n#[allow(deprecated)]\nimpl ::channel_core::{} for Engine {{",
            trait_name(service)
        );
        for m in methods {
            let _ = writeln!(s, "    {} {{", trait_signature(m));
            let _ = writeln!(
                s,
                "        self.serve(\"{0}\", options, move |engine, caller| engine_methods::{0}(engine, caller, request))",
                m.snake
            );
            s += "    }\n\n";
        }
        s += "}\n";
    }
    s += "\n/// The engine's method of every RPC, where no service trait is in scope.\n";
    s += "mod engine_methods {\n    use super::{Caller, Engine};\n";
    for m in services.iter().flat_map(|(_, methods)| methods) {
        let _ = writeln!(
            s,
            "\n    pub(super) fn {0}(engine: &Engine, caller: &Caller, request: {1}) \
             -> ::channel_core::Result<{2}> {{\n        engine.{0}(caller, request)\n    }}",
            m.snake, m.input, m.output
        );
    }
    s += "}\n";
    s
}

/// tonic's server traits over the engine, each method one `GrpcService::unary`.
fn grpc(services: &[(String, Vec<CoreMethod>)]) -> String {
    let mut s = String::from(
        "// tonic's server traits: every RPC is `GrpcService::unary` over the engine's\n\
         // implementation of the service trait.\n",
    );
    for (service, methods) in services {
        let name = trait_name(service);
        let _ = writeln!(
            s,
            "\n#[tonic::async_trait]\n#[allow(deprecated)]\n\
             impl crate::stubs::{}_server::{name} for GrpcService {{",
            name.to_snake_case()
        );
        for m in methods {
            let _ = writeln!(
                s,
                "    async fn {}(&self, request: tonic::Request<{}>) \
                 -> std::result::Result<tonic::Response<{}>, tonic::Status> {{",
                m.snake, m.input, m.output
            );
            let _ = writeln!(
                s,
                "        self.unary(request, channel_core::{name}::{}).await",
                m.snake
            );
            s += "    }\n\n";
        }
        s += "}\n";
    }
    s
}

/// The REST dispatch: the method a route found, by its name, to the REST
/// `unary` over the engine's implementation of the service trait. The names
/// are constants read from the method table, so one that is not in it does
/// not compile; matching the short name rather than the gRPC path keeps the
/// comparisons as cheap as they can be, which needs names unique across
/// services (checked here).
fn rest(services: &[(String, Vec<CoreMethod>)]) -> Result<String, String> {
    let mut seen = std::collections::BTreeSet::new();
    for m in services.iter().flat_map(|(_, methods)| methods) {
        if !seen.insert(m.snake.as_str()) {
            return Err(format!(
                "two services have a method `{}`: the REST dispatch matches on names",
                m.snake
            ));
        }
    }
    let mut s = String::from(
        "// The REST dispatch: from the method of a route to the engine's implementation\n\
         // of it, each RPC decoded into its own request type.\n\n",
    );
    s += "/// Starts the method `route` found, its request decoded from the query and\n\
          /// body: what is left to wait for is the engine's answer alone.\n";
    s += "#[allow(deprecated)]\n";
    s += "fn dispatch<'a>(\n    engine: &'a crate::engine::Engine,\n    \
          route: &::channel_http::transcoding::RouteMatch,\n    query: Option<&str>,\n    \
          body: &[u8],\n    options: ::channel_core::CallOptions,\n\
          ) -> ::channel_core::Result<Pending<'a>> {\n";
    s += "    match route.method().name {\n";
    for (service, methods) in services {
        let name = trait_name(service);
        for m in methods {
            let _ = writeln!(
                s,
                "        method_names::{} => unary(engine, route, query, body, options, \
                 channel_core::{name}::{}),",
                m.table, m.snake
            );
        }
    }
    s += "        other => Err(::channel_core::Error::rpc(\n            \
          ::channel_types::rpc::Code::Unimplemented,\n            \
          format!(\"{other} has no REST handler\"),\n        )),\n    }\n}\n";
    s +=
        "\n/// The name of every method, from the method table, to match on.\nmod method_names {\n";
    for (service, methods) in services {
        let module = trait_name(service).to_snake_case();
        let _ = writeln!(s, "    pub(super) mod {module} {{");
        s += "        use ::channel_types::methods;\n";
        for m in methods {
            let constant = m.table.rsplit("::").next().unwrap_or_default();
            let _ = writeln!(
                s,
                "        pub(crate) const {constant}: &str = methods::{}.name;",
                m.table
            );
        }
        s += "    }\n";
    }
    s += "}\n";
    Ok(s)
}

/// mockall mocks: a synchronous `...Answers` trait per service that mockall
/// mocks, and the async service trait over it.
fn mocks(services: &[(String, Vec<CoreMethod>)]) -> String {
    let mut s = String::from(
        "// mockall mocks of the service traits: mockall mocks a synchronous twin of\n\
         // each trait, and the mock implements the async trait with ready futures.\n",
    );
    for (service, methods) in services {
        let name = trait_name(service);
        let answers = format!("{name}Answers");
        let answer_fn = |m: &CoreMethod| {
            format!(
                "fn {}(&self, request: {}, options: ::channel_core::CallOptions) \
                 -> ::channel_core::Result<{}>;",
                m.snake, m.input, m.output
            )
        };
        let _ = writeln!(
            s,
            "\n/// The synchronous shape of `{name}` that the mock implements."
        );
        let _ = writeln!(s, "pub trait {answers}: Send + Sync {{");
        for m in methods {
            let _ = writeln!(s, "    /// See `channel_core::{name}::{}`.", m.snake);
            let _ = writeln!(s, "    {}", answer_fn(m));
        }
        s += "}\n";
        let _ = writeln!(
            s,
            "\nmockall::mock! {{\n    /// A mock of `{name}`.\n    pub {name} {{}}\n\n    \
             impl {answers} for {name} {{"
        );
        for m in methods {
            let _ = writeln!(s, "        {}", answer_fn(m));
        }
        s += "    }\n}\n";
        let _ = writeln!(s, "\nimpl ::channel_core::{name} for Mock{name} {{");
        for m in methods {
            let _ = writeln!(s, "    {} {{", trait_signature(m));
            let _ = writeln!(
                s,
                "        Box::pin(std::future::ready({answers}::{}(self, request, options)))",
                m.snake
            );
            s += "    }\n\n";
        }
        s += "}\n";
    }
    s
}
