//! Plan and state files as people save them: encodings (issue 19 item 7) and the state
//! `terraform show -json` prints when there is none.

use engine::terraform;

fn plan_text() -> String {
    std::fs::read_to_string(format!("{}/tests/terraform/plan_client_a.json", testkit::ROOT)).expect("fixture")
}

/// Windows PowerShell 5.1's `>` (Out-File's default encoding "Unicode") writes UTF-16 LE
/// with the BOM `FF FE` (Microsoft docs: about_Character_Encoding).
fn utf16(text: &str, le: bool) -> Vec<u8> {
    let mut out = if le { vec![0xFF, 0xFE] } else { vec![0xFE, 0xFF] };
    for u in text.encode_utf16() {
        out.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
    }
    out
}

#[test]
fn a_plan_saved_by_powershell_as_utf16_le_reads_as_the_utf8_one() {
    let text = plan_text();
    let want = terraform::parse_plan(&text).expect("utf-8 plan");
    for bytes in [utf16(&text, true), utf16(&text, false)] {
        let decoded = terraform::decode(&bytes).expect("utf-16 with BOM decodes");
        let got = terraform::parse_plan(&decoded).expect("decoded plan parses");
        assert_eq!(got.changes, want.changes);
    }
}

#[test]
fn a_utf8_bom_is_skipped() {
    let text = plan_text();
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend(text.as_bytes());
    let decoded = terraform::decode(&bytes).expect("decodes");
    assert_eq!(decoded, text);
    assert!(terraform::parse_plan(&decoded).is_ok());
}

#[test]
fn undecodable_input_is_one_line_that_says_the_fix() {
    // Latin-1 text, and UTF-16 LE that lost its BOM.
    let latin1 = b"{\"format_version\":\"1.2\",\"x\":\"caf\xe9\"}".to_vec();
    let no_bom: Vec<u8> = "{\"format_version\":\"1.2\"}".encode_utf16().flat_map(u16::to_le_bytes).collect();
    let odd = vec![0xFF, 0xFE, b'{'];
    for bytes in [latin1, no_bom, odd] {
        let e = terraform::decode(&bytes).expect_err("refused");
        assert!(!e.contains('\n'), "{e}");
        assert!(e.contains("UTF-8") && e.contains("terraform show -json"), "{e}");
    }
}

#[test]
fn the_output_for_no_state_is_an_empty_state() {
    // `terraform show -json` with no state prints this alone (Terraform docs,
    // "JSON Output Format": the state representation omits `values` when there is none).
    let state = terraform::parse_state(r#"{"format_version":"1.0"}"#).expect("empty state");
    assert!(state.changes.is_empty() && state.ids.is_empty());
    assert_eq!(state.format_version, "1.0");
    // A plan handed to --state is still refused, saying so.
    let e = terraform::parse_state(&plan_text()).expect_err("a plan is not a state");
    assert!(e.contains("--plan"), "{e}");
}
