//! `scan` (Alipay) and `scanCode` (WeChat): decode a QR code or barcode from an image the
//! host provides — live frames of a camera (`camera`), the simulator's file chooser, a
//! `--scan-image` file, or a test scenario.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use serde_json::{Value, json};

mod camera;
mod decode;
mod picture;

pub use camera::{Camera, FrameSource, PREVIEW_FPS, RecordedFrames};
pub use decode::{CodeFormat, DecodeOptions, ScannedCode};
pub use picture::{SCAN_CANCELLED, SCAN_FAILED, ScanImage};

use crate::{ApiCall, ApiError, Args, Dialect, JsApi, Permission, Registry, Reply, UiRequest};

/// What the app asked to scan for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanRequest {
    /// The calling app.
    pub app_id: String,
    /// Whether the app allows picking an image from the album (`hideAlbum` /
    /// `onlyFromCamera` turned off).
    pub album_allowed: bool,
}

/// Where scanned images come from; the host's camera stand-in. Return `Ok(None)` when the
/// user cancelled.
pub trait ScanSource: Send + Sync {
    /// The image for one scan.
    fn image(&self, request: &ScanRequest) -> Result<Option<ScanImage>, ApiError>;
}

impl<F> ScanSource for F
where
    F: Fn(&ScanRequest) -> Result<Option<ScanImage>, ApiError> + Send + Sync,
{
    fn image(&self, request: &ScanRequest) -> Result<Option<ScanImage>, ApiError> {
        self(request)
    }
}

/// A scan source that reads the same image file for every scan (the simulator's
/// `--scan-image`).
#[derive(Debug, Clone)]
pub struct ImageFileSource(pub std::path::PathBuf);

impl ScanSource for ImageFileSource {
    fn image(&self, _request: &ScanRequest) -> Result<Option<ScanImage>, ApiError> {
        ScanImage::from_file(&self.0).map(Some)
    }
}

/// The code kinds a caller may ask for, with both platforms' names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Qr,
    Bar,
    DataMatrix,
    Pdf417,
}

impl Kind {
    fn parse(name: &str) -> Option<Self> {
        match name {
            "qrCode" | "qr" => Some(Self::Qr),
            "barCode" | "bar" => Some(Self::Bar),
            "datamatrix" | "dmCode" => Some(Self::DataMatrix),
            "pdf417" | "pdf417Code" => Some(Self::Pdf417),
            _ => None,
        }
    }

    fn of(format: CodeFormat) -> Self {
        match format {
            CodeFormat::QrCode | CodeFormat::MicroQrCode => Self::Qr,
            CodeFormat::DataMatrix => Self::DataMatrix,
            CodeFormat::Pdf417 => Self::Pdf417,
            _ => Self::Bar,
        }
    }

    /// Alipay's `scanType` answer.
    fn alipay_name(self) -> &'static str {
        match self {
            Self::Qr => "qrCode",
            Self::Bar => "barCode",
            Self::DataMatrix => "dmCode",
            Self::Pdf417 => "pdf417Code",
        }
    }
}

/// The decoder options for codes of `kinds`.
fn decode_options(kinds: &HashSet<Kind>) -> DecodeOptions {
    DecodeOptions {
        formats: CodeFormat::ALL
            .into_iter()
            .filter(|format| kinds.contains(&Kind::of(*format)))
            .collect(),
        ..DecodeOptions::default()
    }
}

/// Decodes the code `scan` answers of one of `kinds` in `image`.
fn decode(image: &ScanImage, kinds: &HashSet<Kind>) -> Result<ScannedCode, ApiError> {
    image
        .decode(&decode_options(kinds))
        .ok_or_else(|| ApiError::new(SCAN_FAILED, "no code of the requested kinds in the image"))
}

struct ScanApi {
    source: Option<Arc<dyn ScanSource>>,
    camera: Option<Arc<dyn Camera>>,
    camera_time_limit: Duration,
}

impl JsApi for ScanApi {
    fn permission(&self) -> Permission {
        Permission::SCAN
    }

    fn call(&self, call: ApiCall, reply: Reply) {
        let checked = Args::new(&call.api, &call.args).and_then(|_| request(&call));
        let (request, kinds) = match checked {
            Ok(checked) => checked,
            Err(error) => return reply.send(Err(error)),
        };
        let runtime = match crate::network::shared_runtime() {
            Ok(runtime) => runtime,
            Err(error) => return reply.send(Err(error)),
        };
        let source = self.source.clone();
        let Some(camera) = self.camera.clone() else {
            return pictures(source, &call, request, kinds, reply);
        };
        let time_limit = self.camera_time_limit;
        // The camera scan blocks until a code, a cancel or the time limit: off the caller's
        // thread.
        runtime.spawn_blocking(move || {
            let preview = camera::Preview {
                device: call.device.clone(),
                page: call.caller.page,
            };
            let dialect = call.caller.dialect;
            match camera::scan(camera, &preview, &decode_options(&kinds), time_limit) {
                camera::Ending::Found(code) => reply.send(Ok(shaped(dialect, &code))),
                camera::Ending::Cancelled => {
                    reply.send(Err(ApiError::new(SCAN_CANCELLED, "cancel")));
                }
                camera::Ending::Failed(error) => reply.send(Err(error)),
                camera::Ending::Unavailable(error) => {
                    tracing::warn!(error = %error.message, "no camera: scanning a picture instead");
                    pictures(source, &call, request, kinds, reply);
                }
            }
        });
    }
}

/// Scans a picture: the host's `source`, or without one a picture the user picks on the
/// device.
fn pictures(
    source: Option<Arc<dyn ScanSource>>,
    call: &ApiCall,
    request: ScanRequest,
    kinds: HashSet<Kind>,
    reply: Reply,
) {
    let dialect = call.caller.dialect;
    let runtime = match crate::network::shared_runtime() {
        Ok(runtime) => runtime,
        Err(error) => return reply.send(Err(error)),
    };
    let Some(source) = source else {
        // No camera stand-in from the host: the user picks a picture on the device.
        let title = "Scan: choose a picture of the code".to_owned();
        let picked = Reply::new(move |answer| {
            // Decoding blocks: off the thread that answers the UI.
            runtime.spawn_blocking(move || {
                let image = answer.and_then(|answer| picked_image(&answer));
                reply.send(match image {
                    Ok(None) => Err(ApiError::new(SCAN_CANCELLED, "cancel")),
                    Ok(Some(image)) => read_code(&image, &kinds, dialect),
                    Err(error) => Err(error),
                });
            });
        });
        return call
            .device
            .show_ui(call.caller.page, UiRequest::ScanImage { title }, picked);
    };
    // Asking the host (a file chooser) and decoding both block: off the caller's thread.
    runtime.spawn_blocking(move || {
        reply.send(match source.image(&request) {
            Ok(None) => Err(ApiError::new(SCAN_CANCELLED, "cancel")),
            Ok(Some(image)) => read_code(&image, &kinds, dialect),
            Err(error) => Err(error),
        });
    });
}

/// The code in `image` of one of `kinds`, as the caller's dialect shapes a scan result.
fn read_code(
    image: &ScanImage,
    kinds: &HashSet<Kind>,
    dialect: Dialect,
) -> Result<Value, ApiError> {
    decode(image, kinds).map(|code| shaped(dialect, &code))
}

/// The picture a [`UiRequest::ScanImage`] answer carries; `None` when the user cancelled.
fn picked_image(answer: &Value) -> Result<Option<ScanImage>, ApiError> {
    let Some(encoded) = answer.get("image") else {
        return Ok(None);
    };
    let bytes = encoded
        .as_str()
        .and_then(|text| base64::engine::general_purpose::STANDARD.decode(text).ok())
        .ok_or_else(|| ApiError::new(SCAN_FAILED, "the picked picture did not arrive"))?;
    ScanImage::from_encoded(&bytes).map(Some)
}

/// The scan request and the accepted kinds: `scanType` (default: all), `hideAlbum` (Alipay)
/// or `onlyFromCamera` (WeChat).
fn request(call: &ApiCall) -> Result<(ScanRequest, HashSet<Kind>), ApiError> {
    let kinds = match call.args.get("scanType") {
        None | Some(Value::Null) => [Kind::Qr, Kind::Bar, Kind::DataMatrix, Kind::Pdf417].into(),
        Some(Value::Array(names)) if !names.is_empty() && names.len() <= 8 => names
            .iter()
            .map(|name| {
                name.as_str().and_then(Kind::parse).ok_or_else(|| {
                    ApiError::invalid_param(format!(
                        "{}: 'scanType' entries must be qrCode, barCode, datamatrix or pdf417, got {name}",
                        call.api
                    ))
                })
            })
            .collect::<Result<_, _>>()?,
        Some(_) => {
            return Err(ApiError::invalid_param(format!(
                "{}: 'scanType' must be a non-empty array such as ['qrCode', 'barCode']",
                call.api
            )));
        }
    };
    let flag = |name: &str| match call.args.get(name) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(flag)) => Ok(*flag),
        Some(_) => Err(ApiError::invalid_param(format!(
            "{}: '{name}' must be a boolean",
            call.api
        ))),
    };
    let album_allowed = !(flag("hideAlbum")? || flag("onlyFromCamera")?);
    Ok((
        ScanRequest {
            app_id: call.caller.app_id.clone(),
            album_allowed,
        },
        kinds,
    ))
}

/// Alipay `{code, result, scanType, rawData, qrCode | barCode}`; WeChat `{result, scanType,
/// charSet, rawData}`.
fn shaped(dialect: Dialect, code: &ScannedCode) -> Value {
    let raw = base64::engine::general_purpose::STANDARD.encode(&code.raw_bytes);
    let text = &code.text;
    match dialect {
        Dialect::Alipay => {
            let kind = Kind::of(code.format);
            let mut result = json!({
                "code": text, "result": text, "scanType": kind.alipay_name(), "rawData": raw,
            });
            if matches!(kind, Kind::Qr | Kind::Bar) {
                result[kind.alipay_name()] = json!(text);
            }
            result
        }
        Dialect::Wechat => json!({
            "result": text, "scanType": code.format.wechat_name(), "charSet": "utf-8", "rawData": raw,
        }),
    }
}

pub(crate) fn register(
    registry: &mut Registry,
    source: Option<&Arc<dyn ScanSource>>,
    camera: Option<&Arc<dyn Camera>>,
    camera_time_limit: Duration,
) {
    for name in ["scan", "scanCode"] {
        registry.register(
            name,
            ScanApi {
                source: source.cloned(),
                camera: camera.cloned(),
                camera_time_limit,
            },
        );
    }
}
