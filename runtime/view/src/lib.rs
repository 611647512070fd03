//! The view layer: AXML/WXML templates compiled once into an IR, rendered against page data
//! into a virtual DOM in Rust, diffed into patch operations for the webview, and serialised as
//! HTML for headless runs. Page and component styles (WXSS/ACSS) compile in [`style`].
//!
//! No webview and no async runtime here: the runtime crate joins this layer to the logic
//! layer and the window.
//!
//! ```
//! use capsule_view::{PageView, View};
//! use serde_json::json;
//! use std::collections::HashMap;
//!
//! let files = HashMap::from([(
//!     "pages/index/index.wxml".to_owned(),
//!     r#"<view wx:for="{{list}}" wx:key="id" bindtap="open">{{item.name}}</view>"#.to_owned(),
//! )]);
//! let page = PageView::compile(&files, "pages/index/index.wxml", &Default::default()).unwrap();
//! let mut view = View::new(page, json!({"list": [{"id": 1, "name": "a"}]})).unwrap();
//! assert_eq!(view.html(), r#"<view bind:tap="open">a</view>"#);
//! let ops = view.set_data(&[("list[0].name".into(), json!("b"))]);
//! assert_eq!(ops.len(), 1);
//! ```

mod assets;
mod data;
mod deps;
mod diff;
mod error;
mod expr;
mod lexer;
mod page;
mod render;
mod script;
mod selector;
mod source;
pub mod style;
mod template;
mod vdom;
mod view;

pub use data::{DataPathError, set_path};
pub use diff::{NodePath, PatchError, PatchOp, apply, diff};
pub use error::ViewError;
pub use expr::{number as json_number, to_number, truthy};
pub use page::PageView;
pub use render::{InstanceData, Instances};
pub use script::{RenderJob, Rendered, ScriptHost, ScriptRunner};
pub use selector::{Selector, SelectorError, closest, element_at, path_of_instance, text_of};
pub use source::{Dialect, Location, SourceFiles, Warning};
pub use template::EventPhase;
pub use vdom::{ComponentInstance, EventBinding, VElement, VNode, to_html};
pub use view::{View, render_html};
