//! `<button>`: a button.

use crate::PropertyKind::{Boolean, Number, OneOf, String};
use crate::{Component, Event, Property};

/// What the reference and the template layer know of it.
pub(crate) const COMPONENTS: &[Component] = &[Component {
    tag: "button",
    summary: "A button of every type and size, plain, loading or disabled; form-type submits or resets its form; \
              open-type does what the platform documents where the container can (share runs the page's \
              onShareAppMessage({ from: \"button\", target: { id, dataset } })), else reports the open-type's \
              event with a failure detail and says why on the console; WeChat contact, feedback and \
              chooseAvatar report nothing (their events come back only from pages the container does not have).",
    properties: &[
        Property::new(&["size"], OneOf(&["default", "mini"]), "default"),
        Property::new(
            &["type"],
            OneOf(&["primary", "default", "warn", "ghost"]),
            "default",
        ),
        Property::new(&["plain"], Boolean, "false"),
        Property::new(&["disabled"], Boolean, "false"),
        Property::new(&["loading"], Boolean, "false"),
        Property::new(&["form-type", "formType"], OneOf(&["submit", "reset"]), ""),
        Property::new(
            &["open-type", "openType"],
            OneOf(&[
                "share",
                "getPhoneNumber",
                "getRealtimePhoneNumber",
                "getUserInfo",
                "openSetting",
                "contact",
                "feedback",
                "launchApp",
                "chooseAvatar",
                "agreePrivacyAuthorization",
                "liveActivity",
                "getAuthorize",
                "contactShare",
                "lifestyle",
            ]),
            "",
        ),
        Property::new(&["scope"], OneOf(&["phoneNumber", "userInfo"]), ""),
        Property::new(&["app-parameter", "appParameter"], String, ""),
        Property::new(&["public-id", "publicId"], String, ""),
        Property::new(&["hover-class", "hoverClass"], String, "button-hover"),
        Property::new(
            &["hover-stop-propagation", "hoverStopPropagation"],
            Boolean,
            "false",
        ),
        Property::new(&["hover-start-time", "hoverStartTime"], Number, "50"),
        Property::new(&["hover-stay-time", "hoverStayTime"], Number, "70"),
    ],
    events: &[
        Event::new(
            "getphonenumber",
            "WeChat getPhoneNumber: { errMsg: \"getPhoneNumber:fail ...\" } (the container has no WeChat user)",
        ),
        Event::new(
            "getrealtimephonenumber",
            "WeChat getRealtimePhoneNumber: { errMsg: \"getRealtimePhoneNumber:fail ...\" }",
        ),
        Event::new(
            "getuserinfo",
            "WeChat getUserInfo: { errMsg: \"getUserInfo:fail ...\" }",
        ),
        Event::new(
            "createliveactivity",
            "WeChat liveActivity: { errMsg: \"liveActivity:fail ...\" }",
        ),
        Event::new(
            "opensetting",
            "WeChat openSetting: { errMsg: \"openSetting:ok\", authSetting: {} } (no scope was ever asked for)",
        ),
        Event::new(
            "agreeprivacyauthorization",
            "WeChat agreePrivacyAuthorization: {} (the tap is the user's agreement)",
        ),
        Event::new(
            "error",
            "WeChat launchApp: { errMsg: \"invalid scene\" }; Alipay getAuthorize (scope phoneNumber, userInfo), \
             contactShare, launchApp: { type, errorMessage }",
        ),
        Event::new(
            "followlifestyle",
            "Alipay lifestyle: { followStatus: 3, errorMessage } (3: an error)",
        ),
    ],
}];
