//! `<canvas>`: a drawing surface for the logic's canvas contexts.

use crate::PropertyKind::{Boolean, Number, OneOf, String};
use crate::{Component, Event, Property};

/// What the reference and the template layer know of it.
pub(crate) const COMPONENTS: &[Component] = &[Component {
    tag: "canvas",
    summary: "The webview's own canvas, 300×150 px unless styled. Without `type` it is \
              drawn by createCanvasContext (WeChat finds it by canvas-id, Alipay by id), its \
              buffer kept at its box times devicePixelRatio (Alipay's width / height set the \
              buffer, and the box unless styled); type=\"2d\" is drawn through its node (a \
              selector query's fields({node: true})), whose width / height are the buffer. \
              canvasToTempFilePath exports either as PNG or JPEG.",
    properties: &[
        Property::new(&["canvas-id"], String, ""),
        Property::new(&["type"], OneOf(&["2d", "webgl"]), ""),
        Property::new(&["disable-scroll", "disableScroll"], Boolean, "false"),
        Property::new(&["width"], Number, ""),
        Property::new(&["height"], Number, ""),
    ],
    events: &[
        Event::new("touchstart", "{} with touches"),
        Event::new("touchmove", "{} with touches"),
        Event::new("touchend", "{} with changedTouches"),
        Event::new("touchcancel", "{} with changedTouches"),
        Event::new("longtap", "{ x, y }"),
        Event::new(
            "error",
            "{ errMsg }: a picture that could not be drawn, a drawing call that failed",
        ),
    ],
}];
