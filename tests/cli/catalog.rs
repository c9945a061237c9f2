//! `zonesim catalog --format toml|json` prints a scenario file: dump, validate
//! with the binary, load back, run (issue #8, item 6).

use zonesim::catalog::eu_hubs;
use zonesim::scenario::Scenario;

use crate::{scratch, stderr, stdout, zonesim};

/// Dumps the catalogue in `format`, checks that `validate` accepts the file
/// and that loading it gives the catalogue's regions, zones and common
/// causes exactly (same order, same bits).
fn dump_validate_load(format: &str) {
    let dir = scratch(&format!("catalog-{format}"));
    let path = dir.join(format!("cat.{format}"));
    let o = zonesim(["catalog", "--format", format]);
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::write(&path, &o.stdout).expect("write the dump");

    let o = zonesim([std::ffi::OsStr::new("validate"), path.as_os_str()]);
    assert!(o.status.success(), "validate {format}: {}", stderr(&o));
    assert!(
        stdout(&o).contains("13 regions, 37 zones, 18 common causes, 7 deployments"),
        "{}",
        stdout(&o)
    );

    let s = Scenario::from_path(&path).unwrap_or_else(|e| panic!("{e}"));
    let cat = eu_hubs();
    assert_eq!(s.catalog(), None);
    assert_eq!(s.study().regions, cat.regions, "{format}: regions");
    assert_eq!(s.study().zones, cat.zones, "{format}: zones");
    assert_eq!(
        s.study().common_causes,
        cat.common_causes,
        "{format}: common causes"
    );
    assert_eq!(
        s.study().deployments,
        zonesim::catalog::default_study().deployments
    );
    // The metadata came through, typed.
    let paris = &s.study().regions[0];
    assert_eq!(paris.provider_code, "not published");
    assert_eq!(
        paris.confidence,
        Some(zonesim::catalog::Confidence::Secondary)
    );

    // `--output` writes the same text.
    let out = dir.join(format!("again.{format}"));
    let o = zonesim([
        std::ffi::OsStr::new("catalog"),
        "--format".as_ref(),
        format.as_ref(),
        "--output".as_ref(),
        out.as_os_str(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(&out).expect("read"),
        std::fs::read(&path).expect("read")
    );
}

#[test]
fn catalog_toml_is_a_scenario() {
    dump_validate_load("toml");
}

#[test]
fn catalog_json_is_a_scenario() {
    dump_validate_load("json");
}

/// The TOML dump opens with the parameters' reasoning as comments.
#[test]
fn catalog_toml_carries_the_reasoning_as_comments() {
    let o = zonesim(["catalog", "--format", "toml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let t = stdout(&o);
    let head: Vec<&str> = t.lines().take_while(|l| !l.starts_with('[')).collect();
    assert!(head.iter().all(|l| l.is_empty() || l.starts_with('#')));
    for n in eu_hubs().parameter_notes {
        assert!(
            t.contains(&format!("# - {}:", n.parameter)),
            "{}",
            n.parameter
        );
        for s in &n.sources {
            assert!(t.contains(&format!("#   Source: {s}\n")), "{s}");
        }
    }
}

/// Dump and run: the dump holds the default study's deployments, so it gives
/// exactly the default study's figures; dump, add a deployment, run: that
/// deployment's figures are those of the same deployment on
/// `catalog = "eu-hubs"`.
#[test]
fn dump_edit_run_matches_the_catalogue_file() {
    let dir = scratch("catalog-edit");
    let o = zonesim(["catalog", "--format", "toml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let run = |path: Option<&std::path::Path>| {
        let mut args: Vec<std::ffi::OsString> = vec!["run".into()];
        if let Some(p) = path {
            args.push(p.into());
        }
        args.extend(["--trials", "2000", "--format", "json"].map(Into::into));
        let o = zonesim(args);
        assert!(o.status.success(), "{}", stderr(&o));
        serde_json::from_slice::<serde_json::Value>(&o.stdout).expect("JSON")
    };
    let dumped = dir.join("dumped.toml");
    std::fs::write(&dumped, &text).expect("write");
    // The JSON result holds no timings: the same study gives the same bytes.
    assert_eq!(run(Some(&dumped)), run(None));

    let deployment = "\n[[deployment]]\nname = \"pair\"\n\
                      replicas = [\"alibaba-fr-par-a\", \"alibaba-fr-par-b\"]\n\
                      rule = { at_least = 1 }\n";
    let edited = dir.join("edited.toml");
    std::fs::write(&edited, format!("{text}{deployment}")).expect("write");
    let reference = dir.join("reference.toml");
    std::fs::write(&reference, format!("catalog = \"eu-hubs\"\n{deployment}")).expect("write");
    let pair = |v: serde_json::Value| {
        v["deployments"]
            .as_array()
            .expect("deployments")
            .iter()
            .find(|d| d["name"] == "pair")
            .cloned()
            .expect("the added deployment")
    };
    assert_eq!(pair(run(Some(&edited))), pair(run(Some(&reference))));
}

/// The metadata fields are optional, not a loophole: an unknown field or an
/// unknown confidence in a `[[region]]` is still an error.
#[test]
fn region_metadata_stays_strict() {
    let dir = scratch("catalog-strict");
    let o = zonesim(["catalog", "--format", "toml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    for (from, to, needle) in [
        ("\nnote = ", "\nnotes = ", "unknown field `notes`"),
        (
            "confidence = \"secondary\"",
            "confidence = \"sure\"",
            "unknown variant `sure`",
        ),
        (
            "status = \"open\"",
            "status = \"ajar\"",
            "unknown variant `ajar`",
        ),
    ] {
        let path = dir.join("bad.toml");
        std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
        let o = zonesim([std::ffi::OsStr::new("validate"), path.as_os_str()]);
        assert_eq!(o.status.code(), Some(2), "{from}: {}", stdout(&o));
        assert!(stderr(&o).contains(needle), "{from}: {}", stderr(&o));
    }
}
