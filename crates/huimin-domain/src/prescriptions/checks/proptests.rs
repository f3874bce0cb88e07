//! `check` never panics, whatever the lines (doses, days and quantities beyond anything
//! `check_line` lets through), the patient, the doctor or the policy; its findings name known
//! rules and real lines, blocks first.

use proptest::prelude::*;

use super::support::Case;
use super::*;
use crate::prescriptions::fixtures;
use crate::prescriptions::frequency::Frequency;
use crate::prescriptions::prescription::DoseUnit;

fn any_line() -> impl Strategy<Value = Line> {
    let drugs = fixtures::all();
    (
        0..drugs.len(),
        prop_oneof![Just(0u64), 0u64..100_000_000, any::<u64>()],
        any::<bool>(),
        0..Frequency::ALL.len(),
        prop_oneof![Just(0u32), 1u32..100, any::<u32>()],
        prop_oneof![Just(0u32), 1u32..10, any::<u32>()],
        0u32..=1000,
    )
        .prop_map(move |(d, dose, pieces, f, days, quantity, size)| {
            let mut drug = drugs[d].clone();
            // A package of no pieces or a strength of zero must not divide by zero.
            drug.package_size = if size == 1000 { 0 } else { drug.package_size };
            if size == 999 {
                drug.strength = Micro(0);
            }
            Line {
                dose_unit: if pieces {
                    DoseUnit::Piece
                } else {
                    DoseUnit::Strength(drug.strength_unit)
                },
                drug,
                dose: Micro(dose),
                frequency: Frequency::ALL[f],
                route: crate::prescriptions::drug::Route::Oral,
                days,
                quantity,
                note: String::new(),
            }
        })
}

fn any_title() -> impl Strategy<Value = PractitionerTitle> {
    (0..PractitionerTitle::ALL.len()).prop_map(|i| PractitionerTitle::ALL[i])
}

fn any_kind() -> impl Strategy<Value = PrescriptionKind> {
    (0..PrescriptionKind::ALL.len()).prop_map(|i| PrescriptionKind::ALL[i])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn check_never_panics_and_reports_known_rules_on_real_lines_blocks_first(
        lines in prop::collection::vec(any_line(), 0..8),
        active in prop::collection::vec(any_line(), 0..3),
        age_months in prop_oneof![0u32..300, any::<u32>()],
        weight in prop::option::of(prop_oneof![Just(0u64), 1u64..200_000, any::<u64>()]),
        allergies in prop::collection::vec(
            prop::sample::select(vec!["", "青霉素", "Penicillin", "头孢", "阿司匹林", "warfarin", "花粉"]),
            0..3,
        ),
        flags in any::<[bool; 8]>(),
        title in any_title(),
        kind in any_kind(),
        limits in any::<[u32; 4]>(),
    ) {
        let mut case = Case::new(lines);
        case.kind = kind;
        case.long_term = flags[0];
        case.long_assessment = flags[1];
        case.patient = PatientFacts {
            age_months,
            weight_kg: weight.map(Micro),
            pregnant: flags[2],
            allergies: allergies.into_iter().map(str::to_owned).collect(),
            stable_chronic: flags[3],
            chronic_pain: flags[4],
        };
        case.prescriber = PrescriberFacts { title, controlled_qualified: flags[5] };
        case.active = active
            .into_iter()
            .map(|l| ActiveMedication { drug: l.drug, source: Text::new("外院", "another hospital") })
            .collect();
        case.policy.online = flags[6];
        case.policy.outpatient = flags[7];
        if limits[0] % 2 == 1 {
            case.policy = Policy {
                max_lines: limits[0] as usize % 10,
                ordinary_days: limits[1],
                emergency_days: limits[2],
                long_days: limits[3],
                long_days_without_assessment: limits[3] / 3,
                ..case.policy
            };
        }
        let findings = case.run();
        for f in &findings {
            prop_assert!(RuleInfo::find(f.rule).is_some(), "unknown rule {}", f.rule);
            prop_assert!(f.lines.iter().all(|&l| l < case.lines.len()), "{f:?}");
            prop_assert!(!f.message.zh.is_empty() && !f.message.en.is_empty());
        }
        prop_assert!(findings.windows(2).all(|w| w[0].severity >= w[1].severity));
        // Signing never panics either, and a block is never resolved.
        let _ = signing_problems(&findings, &[]);
        prop_assert_eq!(overridable(&findings), unresolved(&findings, &[]).iter().all(|f| f.severity != Severity::Block));
    }
}
