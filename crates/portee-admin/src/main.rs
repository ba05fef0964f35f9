//! `portee-admin`: the administrators' command-line tool.
//!
//! ```text
//! portee-admin migrate
//! portee-admin seed --students 8000 --seed 42
//! portee-admin stats
//! ```
//!
//! The database is `--database-url`, else `PORTEE_DATABASE_URL`, else the
//! configuration file, else the embedded database in `PORTEE_DATA_DIR` —
//! exactly as the app chooses it. Errors are French sentences on stderr,
//! with a non-zero exit code.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use portee_store::{Actor, Database};

#[derive(Parser)]
#[command(
    name = "portee-admin",
    version,
    about = "Administration de Portée : schéma, données de démonstration, statistiques."
)]
struct Cli {
    /// Base de données (sqlite:… ou postgres://…) ; par défaut celle de Portée.
    #[arg(long, global = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Applique les migrations en attente.
    Migrate,
    /// Remplit une base vide avec un réseau de démonstration.
    Seed {
        /// Nombre d'élèves.
        #[arg(long, default_value_t = 8000)]
        students: usize,
        /// Graine du générateur : la même graine donne les mêmes données.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// Affiche les effectifs par table et par site, en JSON.
    Stats,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("portee-admin : {message}");
            ExitCode::FAILURE
        }
    }
}

async fn open(url: Option<String>) -> Result<Database, String> {
    let url = match url {
        Some(url) => url,
        None => {
            let config = portee_config::Config::load().map_err(|e| e.to_string())?;
            config.ensure_dirs().map_err(|e| e.to_string())?;
            config.database_url
        }
    };
    Database::connect(&url).await.map_err(|e| e.to_string())
}

fn workstation() -> String {
    std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_owned())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "portee-admin".to_owned())
}

async fn run(cli: Cli) -> Result<(), String> {
    let db = open(cli.database_url).await?;
    match cli.command {
        Command::Migrate => {
            db.migrate().await.map_err(|e| e.to_string())?;
            let v = db.schema_version().await.map_err(|e| e.to_string())?;
            println!("Schéma à jour : version {} ({}).", v.version, v.description);
        }
        Command::Seed { students, seed } => {
            if students == 0 || students > 1_000_000 {
                return Err("le nombre d'élèves doit être compris entre 1 et 1 000 000.".into());
            }
            db.migrate().await.map_err(|e| e.to_string())?;
            // Demo accounts have public passwords: never in a database in service.
            if db.has_real_staff().await.map_err(|e| e.to_string())? {
                return Err(
                    "refusé : la base contient des comptes du personnel réels. Les données \
                     de démonstration (dont les mots de passe sont publics) ne vont que dans une \
                     base neuve."
                        .into(),
                );
            }
            let today = chrono::Local::now().date_naive();
            let report = portee_services::demo::seed(
                &db,
                students,
                seed,
                today,
                &Actor::system(workstation()),
            )
            .await
            .map_err(|e| e.to_string())?;
            println!(
                "Données de démonstration créées : {} élèves, {} familles, {} créneaux, {} comptes \
                 (génération {:.1} s, mots de passe {:.1} s, écriture {:.1} s).",
                report.students,
                report.families,
                report.slots,
                report.staff,
                report.generate.as_secs_f64(),
                report.hash.as_secs_f64(),
                report.insert.as_secs_f64()
            );
        }
        Command::Stats => {
            let stats = db.stats().await.map_err(|e| e.to_string())?;
            let json = serde_json::to_string_pretty(&stats).map_err(|e| e.to_string())?;
            println!("{json}");
        }
    }
    db.close().await;
    Ok(())
}
