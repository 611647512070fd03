//! Where `usingComponents` entries lead: relative and absolute paths, and packages installed
//! by WeChat's "build npm" (`miniprogram_npm/`) or npm (`node_modules/`, Alipay), found by
//! walking up from the declaring file; app.json's entries against the app root.

use std::collections::HashMap;

use capsule_view::{PageView, ViewError};
use serde_json::{Map, Value, json};

fn files(list: &[(&str, &str)]) -> HashMap<String, String> {
    list.iter()
        .map(|(path, text)| ((*path).to_owned(), (*text).to_owned()))
        .collect()
}

fn app_components(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

#[test]
fn package_components_resolve_from_the_package_folders() -> anyhow::Result<()> {
    let files = files(&[
        (
            "pages/a/a.json",
            r#"{"usingComponents": {"van-button": "@vant/weapp/button/index",
                "t-cell": "tdesign-miniprogram/cell/cell", "card": "../../components/card/card"}}"#,
        ),
        ("pages/a/a.wxml", "<van-button/><t-cell/><card/><shared/>"),
        ("components/card/card.wxml", "<view/>"),
        ("components/shared/shared.wxml", "<view/>"),
        (
            "miniprogram_npm/@vant/weapp/button/index.json",
            r#"{"component": true, "usingComponents": {"van-loading": "../loading/index"}}"#,
        ),
        (
            "miniprogram_npm/@vant/weapp/button/index.wxml",
            "<van-loading/>",
        ),
        ("miniprogram_npm/@vant/weapp/loading/index.wxml", "<view/>"),
        (
            "miniprogram_npm/tdesign-miniprogram/cell/cell.json",
            r#"{"component": true, "usingComponents": {"t-icon": "tdesign-icons/icon"}}"#,
        ),
        (
            "miniprogram_npm/tdesign-miniprogram/cell/cell.wxml",
            "<t-icon/>",
        ),
        // A package's own dependency, nearer than the app's.
        (
            "miniprogram_npm/tdesign-miniprogram/miniprogram_npm/tdesign-icons/icon.wxml",
            "<text/>",
        ),
        (
            "miniprogram_npm/tdesign-icons/icon.wxml",
            "<text>app's</text>",
        ),
    ]);
    // app.json's entries are relative to the app root, whichever page uses them.
    let global = app_components(json!({"shared": "components/shared/shared"}));
    let page = PageView::compile(&files, "pages/a/a.wxml", &global)?;
    assert_eq!(
        page.component_paths(),
        [
            "components/card/card.wxml",
            "components/shared/shared.wxml",
            "miniprogram_npm/@vant/weapp/button/index.wxml",
            "miniprogram_npm/@vant/weapp/loading/index.wxml",
            "miniprogram_npm/tdesign-miniprogram/cell/cell.wxml",
            "miniprogram_npm/tdesign-miniprogram/miniprogram_npm/tdesign-icons/icon.wxml",
        ]
    );
    Ok(())
}

#[test]
fn alipay_components_resolve_from_node_modules() -> anyhow::Result<()> {
    let files = files(&[
        (
            "pages/index/index.json",
            r#"{"usingComponents": {"ant-button": "antd-mini/es/Button/index"}}"#,
        ),
        ("pages/index/index.axml", "<ant-button/>"),
        (
            "node_modules/antd-mini/es/Button/index.json",
            r#"{"component": true, "usingComponents": {"ant-icon": "../Icon/index"}}"#,
        ),
        ("node_modules/antd-mini/es/Button/index.axml", "<ant-icon/>"),
        ("node_modules/antd-mini/es/Icon/index.axml", "<text/>"),
        // A WeChat build of the same component is not an Alipay template.
        ("miniprogram_npm/antd-mini/es/Button/index.wxml", "<view/>"),
    ]);
    let page = PageView::compile(&files, "pages/index/index.axml", &Map::new())?;
    assert_eq!(
        page.component_paths(),
        [
            "node_modules/antd-mini/es/Button/index.axml",
            "node_modules/antd-mini/es/Icon/index.axml",
        ]
    );
    Ok(())
}

#[test]
fn a_component_that_is_nowhere_is_an_error_naming_the_entry() {
    let missing = files(&[
        (
            "pages/a/a.json",
            r#"{"usingComponents": {"van-button": "@vant/weapp/button/index"}}"#,
        ),
        ("pages/a/a.wxml", "<van-button/>"),
    ]);
    let error = PageView::compile(&missing, "pages/a/a.wxml", &Map::new())
        .expect_err("nothing is installed");
    assert!(
        matches!(&error, ViewError::Component { file, tag, .. } if file == "pages/a/a.json" && tag == "van-button"),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.contains("@vant/weapp/button/index") && message.contains("miniprogram_npm"),
        "{message}"
    );
    let global = app_components(json!({"ghost": "/components/ghost/ghost"}));
    let page_only = files(&[("pages/a/a.wxml", "<view/>")]);
    let error = PageView::compile(&page_only, "pages/a/a.wxml", &global).expect_err("no ghost");
    assert!(
        matches!(&error, ViewError::Component { file, .. } if file == "app.json"),
        "{error:?}"
    );
}
