//! A prescription case for the rules' tests: lines written as a doctor would, an adult patient,
//! an attending physician, outpatient policy and the test tables.

use super::*;
use crate::prescriptions::allergens;
use crate::prescriptions::frequency::Frequency;
use crate::prescriptions::interactions;
use crate::prescriptions::prescription::{DoseUnit, computed_quantity};

/// A line of `dose` (in the drug's strength unit) at `frequency` for `days`, with the quantity
/// dose × frequency × days gives (one package when it cannot be computed).
pub fn line(drug: Drug, dose: &str, frequency: Frequency, days: u32) -> Line {
    let dose = Micro::parse(dose).unwrap();
    let unit = DoseUnit::Strength(drug.strength_unit);
    let quantity = computed_quantity(&drug, dose, unit, frequency, days).unwrap_or(1);
    Line {
        drug,
        dose,
        dose_unit: unit,
        frequency,
        route: crate::prescriptions::drug::Route::Oral,
        days,
        quantity,
        note: String::new(),
    }
}

pub fn years(n: u32) -> u32 {
    n * 12
}

pub struct Case {
    pub kind: PrescriptionKind,
    pub long_term: bool,
    pub long_assessment: bool,
    pub lines: Vec<Line>,
    pub patient: PatientFacts,
    pub prescriber: PrescriberFacts,
    pub active: Vec<ActiveMedication>,
    pub policy: Policy,
}

impl Case {
    /// An ordinary outpatient prescription for a 40-year-old of 60 kg, by an attending
    /// physician with the controlled-drug qualification.
    pub fn new(lines: Vec<Line>) -> Case {
        Case {
            kind: PrescriptionKind::Ordinary,
            long_term: false,
            long_assessment: false,
            lines,
            patient: PatientFacts {
                age_months: years(40),
                weight_kg: Some(Micro::from_whole(60)),
                ..PatientFacts::default()
            },
            prescriber: PrescriberFacts {
                title: PractitionerTitle::AttendingPhysician,
                controlled_qualified: true,
            },
            active: Vec::new(),
            policy: Policy::default(),
        }
    }

    pub fn run(&self) -> Vec<Finding> {
        let (interactions, allergens) = (interactions::tests::table(), allergens::tests::table());
        let tables = Tables {
            interactions: &interactions,
            allergens: &allergens,
        };
        let p = Prescription {
            kind: self.kind,
            long_term: self.long_term,
            long_assessment: self.long_assessment,
            lines: &self.lines,
        };
        check(
            &p,
            &self.patient,
            &self.prescriber,
            &self.active,
            &tables,
            &self.policy,
        )
    }

    /// The findings of one rule.
    pub fn of(&self, rule: &str) -> Vec<Finding> {
        self.run().into_iter().filter(|f| f.rule == rule).collect()
    }

    /// The one finding of a rule.
    pub fn one(&self, rule: &str) -> Finding {
        let mut found = self.of(rule);
        assert_eq!(found.len(), 1, "{rule}: {found:#?}");
        found.remove(0)
    }

    pub fn taking(mut self, drug: Drug, source: (&str, &str)) -> Case {
        self.active.push(ActiveMedication {
            drug,
            source: Text::new(source.0, source.1),
        });
        self
    }
}

/// The value a finding's data gives for `name`.
pub fn datum<'f>(finding: &'f Finding, name: &str) -> &'f str {
    finding
        .data
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {name} in {:?}", finding.data))
}
