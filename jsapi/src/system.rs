//! Device and runtime APIs beyond the first built-ins: `canIUse`,
//! `getNetworkType`, WeChat's clipboard names, vibration and phone calls (recorded as
//! `deviceAction` events), the simulated position, and every other platform API name real
//! apps call, which exists and fails with "not supported".

use std::sync::Arc;

use serde_json::{Value, json};

use crate::{ApiCall, ApiError, ApiResult, Args, Dialect, Permission, Registry};

/// The position `getLocation` reports: the simulator's configured place.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Position {
    /// Degrees north.
    pub latitude: f64,
    /// Degrees east.
    pub longitude: f64,
    /// Accuracy in metres.
    pub accuracy: f64,
}

impl Default for Position {
    /// West Lake, Hangzhou.
    fn default() -> Self {
        Self {
            latitude: 30.2431,
            longitude: 120.1500,
            accuracy: 65.0,
        }
    }
}

/// Platform APIs that need hardware or services a desktop container does not have. Each is
/// registered so that calling it fails with "not supported" instead of being undefined.
pub const UNSUPPORTED_APIS: &[&str] = &[
    // Bluetooth and BLE
    "openBluetoothAdapter",
    "closeBluetoothAdapter",
    "getBluetoothAdapterState",
    "startBluetoothDevicesDiscovery",
    "stopBluetoothDevicesDiscovery",
    "getBluetoothDevices",
    "getConnectedBluetoothDevices",
    "createBLEConnection",
    "closeBLEConnection",
    "connectBLEDevice",
    "disconnectBLEDevice",
    "getBLEDeviceServices",
    "getBLEDeviceCharacteristics",
    "readBLECharacteristicValue",
    "writeBLECharacteristicValue",
    "notifyBLECharacteristicValueChange",
    // Wi-Fi, NFC, iBeacon
    "startWifi",
    "stopWifi",
    "connectWifi",
    "getWifiList",
    "getConnectedWifi",
    "getHCEState",
    "startHCE",
    "stopHCE",
    "sendHCEMessage",
    "startBeaconDiscovery",
    "stopBeaconDiscovery",
    "getBeacons",
    // Sensors and screen
    "startCompass",
    "stopCompass",
    "startAccelerometer",
    "stopAccelerometer",
    "startGyroscope",
    "stopGyroscope",
    "startDeviceMotionListening",
    "stopDeviceMotionListening",
    "setScreenBrightness",
    "getScreenBrightness",
    "setKeepScreenOn",
    "getBatteryInfo",
    // Contacts, payment, accounts and authorisation
    "addPhoneContact",
    "choosePhoneContact",
    "chooseContact",
    "requestPayment",
    "tradePay",
    "getAuthCode",
    "getOpenUserInfo",
    "getUserProfile",
    "getPhoneNumber",
    "startSoterAuthentication",
    "checkIsSupportSoterAuthentication",
    "startZMVerify",
    // Media capture and albums
    "startRecord",
    "stopRecord",
    "getRecorderManager",
    "createCameraContext",
    "createLivePusherContext",
    "saveImageToPhotosAlbum",
    "saveVideoToPhotosAlbum",
    // Places, addresses, cards, subscriptions
    "chooseLocation",
    "openLocation",
    "chooseAddress",
    "chooseInvoiceTitle",
    "addCard",
    "openCard",
    "requestSubscribeMessage",
    "getRunData",
    "getWeRunData",
];

/// Longest API or feature name `canIUse` looks at, in bytes.
const MAX_NAME_BYTES: usize = 256;
/// Longest phone number accepted, in bytes.
const MAX_PHONE_BYTES: usize = 64;
/// Longest clipboard text accepted, in bytes.
const MAX_CLIPBOARD_BYTES: usize = 1 << 20;

/// Registers the system APIs and the unsupported table.
pub(crate) fn register(registry: &mut Registry, position: Position) {
    registry.register_fn("getNetworkType", Permission::SYSTEM, network_type);
    registry.register_fn("getClipboardData", Permission::CLIPBOARD, |call| {
        Args::new(&call.api, &call.args)?;
        Ok(json!({ "data": call.device.clipboard_text() }))
    });
    registry.register_fn("setClipboardData", Permission::CLIPBOARD, |call| {
        let args = Args::new(&call.api, &call.args)?;
        call.device
            .set_clipboard_text(args.str("data", MAX_CLIPBOARD_BYTES)?.to_owned());
        Ok(json!({}))
    });
    for name in ["vibrate", "vibrateShort", "vibrateLong"] {
        registry.register_fn(name, Permission::SYSTEM, |call| {
            Args::new(&call.api, &call.args)?;
            record(call, json!({}));
            Ok(json!({}))
        });
    }
    registry.register_fn("makePhoneCall", Permission::SYSTEM, |call| {
        let args = Args::new(&call.api, &call.args)?;
        let number = args
            .str("phoneNumber", MAX_PHONE_BYTES)
            .or_else(|_| args.str("number", MAX_PHONE_BYTES))?;
        let valid = !number.is_empty()
            && number
                .chars()
                .all(|c| c.is_ascii_digit() || "+-() #*".contains(c));
        if !valid {
            return Err(ApiError::invalid_param(format!(
                "makePhoneCall: '{number}' is not a phone number"
            )));
        }
        record(call, json!({ "phoneNumber": number }));
        Ok(json!({}))
    });
    registry.register_fn("getLocation", Permission::LOCATION, move |call| {
        let args = Args::new(&call.api, &call.args)?;
        match args.opt_str("type", 16)? {
            None | Some("wgs84" | "gcj02" | "0" | "1" | "2" | "3") => {}
            Some(other) => {
                return Err(ApiError::invalid_param(format!(
                    "getLocation: 'type' must be wgs84 or gcj02, got '{other}'"
                )));
            }
        }
        Ok(json!({
            "latitude": position.latitude,
            "longitude": position.longitude,
            "accuracy": position.accuracy,
            "horizontalAccuracy": position.accuracy,
            "verticalAccuracy": 0,
            "altitude": 0,
            "speed": 0,
        }))
    });
    for name in UNSUPPORTED_APIS {
        registry.register_fn(*name, Permission::SYSTEM, |call| {
            Err(ApiError::unknown(format!(
                "not supported: {} needs hardware or a service this container does not have",
                call.api
            )))
        });
    }
}

/// Alipay answers `{networkType: "WIFI", networkAvailable}`, WeChat `{networkType: "wifi"}`.
fn network_type(call: &ApiCall) -> ApiResult {
    Args::new(&call.api, &call.args)?;
    Ok(match call.caller.dialect {
        Dialect::Alipay => json!({ "networkType": "WIFI", "networkAvailable": true }),
        Dialect::Wechat => json!({ "networkType": "wifi", "signalStrength": 4 }),
    })
}

/// Records a device action the simulator cannot perform (vibrating, dialling): logged, and
/// sent to the calling page as a `deviceAction` event so hosts and tests can see it.
fn record(call: &ApiCall, details: Value) {
    tracing::info!(target: "capsule::device", app = call.caller.app_id, api = call.api, %details, "device action");
    let mut data = json!({ "api": call.api });
    if let (Value::Object(data), Value::Object(details)) = (&mut data, details) {
        data.extend(details);
    }
    call.device
        .send_event(call.caller.page, "deviceAction", data);
}

/// Registers (or replaces) `canIUse`, answering for the APIs registered now, less the
/// unsupported table.
pub(crate) fn register_can_i_use(registry: &mut Registry) {
    let mut usable: Vec<String> = registry
        .names()
        .into_iter()
        .filter(|name| !UNSUPPORTED_APIS.contains(name))
        .map(str::to_owned)
        .collect();
    usable.push("canIUse".to_owned());
    let usable: Arc<[String]> = usable.into();
    registry.register_fn("canIUse", Permission::SYSTEM, move |call| {
        let args = Args::new(&call.api, &call.args)?;
        let name = args.str("name", MAX_NAME_BYTES)?;
        // `request.object.header`: the API is what counts; deeper features are assumed.
        let name = name
            .strip_prefix("my.")
            .or_else(|| name.strip_prefix("wx."))
            .unwrap_or(name);
        let api = name.split('.').next().unwrap_or_default();
        Ok(json!({ "canIUse": usable.iter().any(|known| known == api) }))
    });
}
