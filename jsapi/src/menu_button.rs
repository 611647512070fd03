//! The platforms' menu button: the "capsule" at the top right of every mini-program page
//! (WeChat's `···` / close pair, Alipay's more / close pair), which stays even when a page
//! draws its own navigation bar.
//!
//! [`MenuButton::of`] is the one place its position is decided: `getMenuButtonBoundingClientRect`
//! answers it and the runtime's window draws the button there.

use serde::{Deserialize, Serialize};

use crate::{Dialect, SystemInfo};

/// Where the menu button sits, in CSS px from the screen's top left corner, in the shape
/// `wx.getMenuButtonBoundingClientRect()` documents: `{width, height, top, right, bottom,
/// left}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MenuButton {
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
    /// Top edge.
    pub top: u32,
    /// Right edge.
    pub right: u32,
    /// Bottom edge.
    pub bottom: u32,
    /// Left edge.
    pub left: u32,
}

impl MenuButton {
    /// The button's width: 87 px on both platforms.
    pub const WIDTH: u32 = 87;
    /// The button's height: 32 px on both platforms.
    pub const HEIGHT: u32 = 32;
    /// Space between the button and the screen's right edge.
    pub const MARGIN: u32 = 7;
    /// WeChat on iOS puts the button this far below the status bar, not in the middle of
    /// its 44 px title bar; elsewhere it is centred in the title bar.
    pub const WECHAT_IOS_GAP: u32 = 4;

    /// Where the button sits on the device `info` describes, for an app of `dialect`: in
    /// the title bar under the status bar, [`Self::MARGIN`] from the right edge.
    pub fn of(info: &SystemInfo, dialect: Dialect) -> Self {
        let centred = info.title_bar_height.saturating_sub(Self::HEIGHT) / 2;
        let gap = match dialect {
            Dialect::Wechat if info.platform == "ios" => Self::WECHAT_IOS_GAP.min(centred),
            _ => centred,
        };
        let top = info.status_bar_height + gap;
        let right = info.screen_width.saturating_sub(Self::MARGIN);
        Self {
            width: Self::WIDTH,
            height: Self::HEIGHT,
            top,
            right,
            bottom: top + Self::HEIGHT,
            left: right.saturating_sub(Self::WIDTH),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::SafeArea;

    fn phone(platform: &str, width: u32, status_bar: u32, title_bar: u32) -> SystemInfo {
        SystemInfo {
            model: "m".into(),
            brand: "b".into(),
            pixel_ratio: 2.0,
            window_width: width,
            window_height: 800,
            screen_width: width,
            screen_height: 800,
            status_bar_height: status_bar,
            title_bar_height: title_bar,
            safe_area: SafeArea::new(width, 800, status_bar, 0),
            language: "zh-CN".into(),
            version: "1".into(),
            system: "s".into(),
            platform: platform.into(),
            sdk_version: "2".into(),
        }
    }

    #[test]
    fn sits_in_the_title_bar_under_the_status_bar() {
        let iphone_12 = phone("ios", 390, 47, 44);
        // WeChat on iOS: 4 px under the status bar.
        assert_eq!(
            MenuButton::of(&iphone_12, Dialect::Wechat),
            MenuButton {
                width: 87,
                height: 32,
                top: 51,
                right: 383,
                bottom: 83,
                left: 296
            }
        );
        // Alipay: centred in the 44 px title bar.
        let alipay = MenuButton::of(&iphone_12, Dialect::Alipay);
        assert_eq!((alipay.top, alipay.bottom, alipay.left), (53, 85, 296));
        // Android: centred in the 48 px title bar, in both dialects.
        let pixel = phone("android", 393, 24, 48);
        for dialect in [Dialect::Wechat, Dialect::Alipay] {
            let button = MenuButton::of(&pixel, dialect);
            assert_eq!((button.top, button.bottom, button.right), (32, 64, 386));
        }
    }
}
