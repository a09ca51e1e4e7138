//! Runs the `ndn-dissect` binary on packets from `ndn-lib/tests/vectors/` and checks what it
//! prints, in the tree and JSON views, and how it fails on malformed input.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// interests.json, "all selectors".
const INTEREST_ALL_SELECTORS: &str = "0531071E08076578616D706C65080774657374417070080A72616E646F6D44617461210012000A04DEADBEEF0C0207D0220140";
/// interests.json, "minimal: name + nonce".
const INTEREST_MINIMAL: &str = "050E07060801610801620A0401020304";
/// data.json, "DigestSha256, blob, freshness".
const DATA_DIGEST: &str = "064E071508076578616D706C650804646174613601053201001407180100190203E8150568656C6C6F16031B01001720BB92A94B5AB736F5FD4247E85DFDCB9986C566CE67FACFCA52CA1AA701A78CB4";
/// lp.json, "Nack, reason NoRoute (150)".
const LP_NACK: &str = "641FFE00FD032007FE00FD032101965010050E07060801610801620A0401020304";
/// lp.json, "fragment 0 of 2".
const LP_FRAGMENT_0: &str = "6430510800000000000003E8520100530102501E063B07060801610801621403180100150568656C6C6F16031B01001720B4";
/// invalid.json, "truncated: TLV-LENGTH larger than remaining buffer".
const TRUNCATED: &str = "050E07060801610801620A04010203";
/// invalid.json, "Nonce of 3 bytes (must be 4)".
const NONCE_3_BYTES: &str = "050A07030801610A03010203";

fn dissect(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ndn-dissect"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn json_lines(o: &Output) -> Vec<serde_json::Value> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn interest_tree_from_hex_on_stdin() {
    let out = dissect(&["--hex"], INTEREST_ALL_SELECTORS.as_bytes());
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "     0  Interest (5) [49]
     2    Name (7) [30]: /example/testApp/randomData
     4      GenericNameComponent (8) [7]: example
    13      GenericNameComponent (8) [7]: testApp
    22      GenericNameComponent (8) [10]: randomData
    34    CanBePrefix (33) [0]
    36    MustBeFresh (18) [0]
    38    Nonce (10) [4]: 0xdeadbeef
    44    InterestLifetime (12) [2]: 2000 ms
    48    HopLimit (34) [1]: 64
"
    );
}

#[test]
fn data_tree_from_binary_file() {
    let dir = std::env::temp_dir().join(format!("ndn-dissect-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("data.bin");
    std::fs::write(&path, hex::decode(DATA_DIGEST).unwrap()).unwrap();
    let out = dissect(&[path.to_str().unwrap()], b"");
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for line in [
        "     0  Data (6) [78]\n",
        "     2    Name (7) [21]: /example/data/v=5/seg=0\n",
        "    19      VersionNameComponent (54) [1]: v=5\n",
        "    22      SegmentNameComponent (50) [1]: seg=0\n",
        "    25    MetaInfo (20) [7]\n",
        "    27      ContentType (24) [1]: 0 (Blob)\n",
        "    30      FreshnessPeriod (25) [2]: 1000 ms\n",
        "    34    Content (21) [5]: \"hello\"\n",
        "    41    SignatureInfo (22) [3]\n",
        "    43      SignatureType (27) [1]: 0 (DigestSha256)\n",
        "    46    SignatureValue (23) [32]: bb92a94b5ab736f5fd4247e85dfdcb9986c566ce67facfca52ca1aa701a78cb4\n",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    assert_eq!(text.lines().count(), 13);
}

#[test]
fn concatenated_packets_with_whitespace_and_lp_headers() {
    let input = format!(
        "{LP_NACK}\n{}\n  {LP_FRAGMENT_0}\n",
        INTEREST_MINIMAL.to_lowercase()
    );
    let out = dissect(&["-x", "-"], input.as_bytes());
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let top: Vec<&str> = text.lines().filter(|l| l.as_bytes()[8] != b' ').collect();
    assert_eq!(
        top,
        [
            "     0  LpPacket (100) [31]",
            "    33  Interest (5) [14]",
            "    49  LpPacket (100) [48]",
        ]
    );
    // the Nack header and its reason, written in the long 0xFD03xx form
    assert!(text.contains("     2    Nack (800, written as 16581408) [7]\n"));
    assert!(
        text.contains("     8      NackReason (801, written as 16581409) [1]: 150 (NoRoute)\n")
    );
    // the fragment holds a whole Interest, which is opened
    assert!(text.contains("    15    Fragment (80) [16]\n    17      Interest (5) [14]\n"));
    assert!(text.contains("    19        Name (7) [6]: /a/b\n"));
    // a piece of a fragmented packet is shown as bytes
    assert!(text.contains("    51    Sequence (81) [8]: 1000\n"));
    assert!(text.contains("    61    FragIndex (82) [1]: 0\n"));
    assert!(text.contains("    64    FragCount (83) [1]: 2\n"));
    assert!(text.contains("    67    Fragment (80) [30]: piece of a fragmented packet: 063b0706"));
}

#[test]
fn json_view_decodes_each_packet() {
    let input = format!("{INTEREST_ALL_SELECTORS}{DATA_DIGEST}{LP_NACK}{LP_FRAGMENT_0}");
    let out = dissect(&["--json", "--hex"], input.as_bytes());
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json_lines(&out);
    assert_eq!(v.len(), 4);

    assert_eq!(v[0]["kind"], "interest");
    assert_eq!(v[0]["offset"], 0);
    assert_eq!(v[0]["name"], "/example/testApp/randomData");
    let f = &v[0]["fields"];
    assert_eq!(f["can_be_prefix"], true);
    assert_eq!(f["must_be_fresh"], true);
    assert_eq!(f["nonce"], "deadbeef");
    assert_eq!(f["lifetime_ms"], 2000);
    assert_eq!(f["hop_limit"], 64);
    assert_eq!(f["app_parameters"], serde_json::Value::Null);

    assert_eq!(v[1]["kind"], "data");
    assert_eq!(v[1]["offset"], 51);
    assert_eq!(v[1]["name"], "/example/data/v=5/seg=0");
    let f = &v[1]["fields"];
    assert_eq!(f["content"], "68656c6c6f");
    assert_eq!(f["freshness_period_ms"], 1000);
    assert_eq!(f["content_type"], 0);
    assert_eq!(f["signature"]["type"], 0);
    assert_eq!(
        f["implicit_digest"],
        "9e1c3d2407835181f3d33c619c6680e082a5ec41f9b9d3a8b10e89d9a1b2f489"
    );

    assert_eq!(v[2]["kind"], "nack");
    assert_eq!(v[2]["name"], "/a/b");
    assert_eq!(v[2]["fields"]["nack_reason"], 150);
    assert_eq!(v[2]["fields"]["nack_reason_name"], "NoRoute");
    assert_eq!(v[2]["fields"]["fragment"]["fields"]["nonce"], "01020304");

    assert_eq!(v[3]["kind"], "lp");
    assert_eq!(v[3]["name"], serde_json::Value::Null);
    assert_eq!(v[3]["fields"]["sequence"], 1000);
    assert_eq!(v[3]["fields"]["frag_count"], 2);
    assert_eq!(v[3]["fields"]["fragment"]["piece_length"], 30);
}

#[test]
fn malformed_input_names_the_offset_and_fails() {
    // a good packet, then a truncated one: the first is printed, then the error
    let input = format!("{INTEREST_MINIMAL}{TRUNCATED}");
    let out = dissect(&["--hex"], input.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out).lines().count(), 5);
    assert_eq!(
        stderr(&out),
        "ndn-dissect: error: malformed TLV at byte offset 16: element of type 5 at offset 16 \
         claims 14 bytes but only 13 remain\n"
    );
}

#[test]
fn invalid_packet_is_an_error_in_json_and_shown_in_the_tree() {
    let out = dissect(&["--hex", "--json"], NONCE_3_BYTES.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(
            "invalid packet at byte offset 0: invalid Nonce at offset 7: Nonce must be 4 bytes"
        ),
        "{}",
        stderr(&out)
    );
    let out = dissect(&["--hex"], NONCE_3_BYTES.as_bytes());
    assert!(out.status.success());
    assert!(stdout(&out).contains("Nonce (10) [3]: <invalid Nonce of 3 bytes: 010203>"));
}

#[test]
fn bad_hex_and_missing_hex_flag_are_explained() {
    let out = dissect(&["--hex"], b"05 0E zz");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("'z' at character offset 6 is not a hex digit"));

    let out = dissect(&[], INTEREST_MINIMAL.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("malformed TLV at byte offset 0"));
    assert!(stderr(&out).contains("hint: the input looks like hexadecimal text; add --hex"));

    let out = dissect(&[], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no input"));

    let out = dissect(&["/nonexistent/packet.bin"], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("cannot read /nonexistent/packet.bin"));
}

#[test]
fn help_documents_the_options_and_format() {
    let out = dissect(&["--help"], b"");
    assert!(out.status.success());
    let help = stdout(&out);
    for needle in [
        "--hex",
        "--json",
        "--max-value-bytes",
        "[FILE]",
        "OFFSET  NAME (TYPE) [LENGTH]: VALUE",
        "standard input",
        "exit status is 1",
        "interest, data, lp, nack, unknown",
    ] {
        assert!(help.contains(needle), "--help lacks {needle:?}");
    }
}

#[test]
fn a_prefix_announcement_in_an_lp_header_is_opened() {
    use ndn::packet::PrefixAnnouncement;
    let pa = PrefixAnnouncement::build(
        &ndn::Name::from_uri("/app").unwrap(),
        3_600_000,
        None,
        7,
        &ndn::sign::DigestSha256,
    )
    .unwrap();
    let data = ndn::DataBuilder::new(ndn::Name::from_uri("/app/x").unwrap())
        .sign(&ndn::sign::DigestSha256)
        .unwrap();
    let mut lp = ndn::lp::LpPacket::from_fragment(data);
    lp.prefix_announcement = Some(pa.wire().clone());
    let wire = lp.encode();
    let out = dissect(&["--json"], &wire);
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json_lines(&out);
    let announced = &v[0]["fields"]["prefix_announcement"];
    assert_eq!(announced["announced_name"], "/app", "{}", v[0]);
    assert_eq!(announced["expiration_ms"], 3_600_000);
    assert_eq!(announced["data_name"], "/app/32=PA/v=7/seg=0");
    // the tree view names the field and opens the Data inside it
    let out = dissect(&[], &wire);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("PrefixAnnouncement (848"), "{text}");
    assert!(text.contains("/app/32=PA/v=7/seg=0"), "{text}");
}
