//! A page opened in headless Chromium, as a person would open a file: its DOM as the browser
//! parsed it, a screenshot decoded to pixels, and the requests the page made (from the browser's
//! net log).

use std::path::Path;

use serde_json::Value;

use super::TestRepo;

/// What the browser made of a page.
pub struct Rendered {
    pub dom: String,
    /// RGBA pixels, row by row.
    pub pixels: Vec<[u8; 4]>,
    /// The URLs of the requests the page started (not the browser's own background requests).
    pub page_requests: Vec<String>,
}

/// Fails naming Chromium when it is missing.
fn require_chromium(repo: &TestRepo) {
    let found = repo
        .command("sh")
        .args(["-c", "command -v chromium"])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "chromium is not installed: the status page is tested in a real headless browser (tests/prerequisites.sh installs it: apt-get install -y chromium)"
    );
}

fn chromium(
    repo: &TestRepo,
    profile: &Path,
    extra: &[String],
    page: &Path,
) -> std::process::Output {
    repo.command("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            "--window-size=1000,1400",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs")
}

/// Opens `page` in headless Chromium twice: once for its DOM and net log, once for a
/// screenshot.
pub fn render(repo: &TestRepo, page: &Path) -> Rendered {
    require_chromium(repo);
    let work = repo.root.join("browser");
    std::fs::create_dir_all(&work).unwrap();
    let net_log = work.join("net.json");
    let dumped = chromium(
        repo,
        &work.join("profile-dom"),
        &[
            format!("--log-net-log={}", net_log.display()),
            "--dump-dom".to_string(),
        ],
        page,
    );
    assert!(dumped.status.success(), "chromium --dump-dom: {dumped:#?}");
    let shot = work.join("page.png");
    let shown = chromium(
        repo,
        &work.join("profile-shot"),
        &[format!("--screenshot={}", shot.display())],
        page,
    );
    assert!(shown.status.success(), "chromium --screenshot: {shown:#?}");
    Rendered {
        dom: String::from_utf8_lossy(&dumped.stdout).into_owned(),
        pixels: decode_png(&std::fs::read(&shot).expect("a screenshot")),
        page_requests: page_requests(&std::fs::read_to_string(&net_log).expect("a net log")),
    }
}

/// The URLs of the requests the net log shows started by a page: the browser's own requests
/// (component updates, accounts) have no origin.
fn page_requests(net_log: &str) -> Vec<String> {
    let log: Value = serde_json::from_str(net_log)
        .or_else(|_| {
            serde_json::from_str(&format!("{}]}}", net_log.trim_end().trim_end_matches(',')))
        })
        .expect("the net log is JSON");
    let start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"].clone();
    log["events"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|event| event["type"] == start)
        .filter(|event| event["params"]["initiator"] != "not an origin")
        .filter_map(|event| event["params"]["url"].as_str().map(str::to_string))
        .collect()
}

/// Decodes an 8-bit, non-interlaced RGB or RGBA PNG (what Chromium writes) to RGBA pixels.
pub fn decode_png(bytes: &[u8]) -> Vec<[u8; 4]> {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let (mut width, mut height, mut channels) = (0usize, 0usize, 0usize);
    let mut data = Vec::new();
    let mut at = 8;
    while at + 8 <= bytes.len() {
        let len = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        let kind = &bytes[at + 4..at + 8];
        let body = &bytes[at + 8..at + 8 + len];
        match kind {
            b"IHDR" => {
                width = u32::from_be_bytes(body[0..4].try_into().unwrap()) as usize;
                height = u32::from_be_bytes(body[4..8].try_into().unwrap()) as usize;
                assert_eq!(body[8], 8, "8-bit PNG");
                channels = match body[9] {
                    2 => 3,
                    6 => 4,
                    other => panic!("PNG colour type {other}"),
                };
                assert_eq!(body[12], 0, "non-interlaced PNG");
            }
            b"IDAT" => data.extend_from_slice(body),
            _ => {}
        }
        at += 12 + len;
    }
    let stride = width * channels;
    let mut raw = vec![0u8; height * (stride + 1)];
    let (_, _, written) = gix_zlib::Inflate::default()
        .once(&data, &mut raw)
        .expect("the PNG's data inflates");
    assert_eq!(written, raw.len(), "the PNG's data is whole");
    let mut rows: Vec<Vec<u8>> = Vec::with_capacity(height);
    for y in 0..height {
        let line = &raw[y * (stride + 1)..(y + 1) * (stride + 1)];
        let filter = line[0];
        let mut row = line[1..].to_vec();
        let zero = vec![0u8; stride];
        let up = rows.last().unwrap_or(&zero).clone();
        for x in 0..stride {
            let a = if x >= channels { row[x - channels] } else { 0 };
            let b = up[x];
            let c = if x >= channels { up[x - channels] } else { 0 };
            let add = match filter {
                0 => 0,
                1 => a,
                2 => b,
                3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                4 => {
                    let p = i16::from(a) + i16::from(b) - i16::from(c);
                    let (pa, pb, pc) = (
                        (p - i16::from(a)).abs(),
                        (p - i16::from(b)).abs(),
                        (p - i16::from(c)).abs(),
                    );
                    if pa <= pb && pa <= pc {
                        a
                    } else if pb <= pc {
                        b
                    } else {
                        c
                    }
                }
                other => panic!("PNG filter {other}"),
            };
            row[x] = row[x].wrapping_add(add);
        }
        rows.push(row);
    }
    rows.iter()
        .flat_map(|row| {
            row.chunks(channels)
                .map(|p| [p[0], p[1], p[2], if channels == 4 { p[3] } else { 255 }])
                .collect::<Vec<_>>()
        })
        .collect()
}
