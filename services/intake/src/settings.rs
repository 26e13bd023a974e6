//! The intake service's settings: the shared ones plus its table.

use cdd_platform::settings::{Backend, CommonSettings, EnvReader};

#[derive(Debug, Clone)]
pub struct IntakeSettings {
    pub common: CommonSettings,
    /// The DynamoDB table (`CDD_INTAKE_TABLE`), with the AWS backend.
    pub table: Option<String>,
}

impl IntakeSettings {
    pub fn read(env: &mut EnvReader) -> Option<Self> {
        let common = CommonSettings::read("intake", env)?;
        let table = match common.backend {
            Backend::Aws => env.required("CDD_INTAKE_TABLE"),
            Backend::Embedded { .. } => env.optional("CDD_INTAKE_TABLE"),
        };
        Some(Self { common, table })
    }
}
