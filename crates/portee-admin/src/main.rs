//! `portee-admin`: the administrators' command-line tool.
//!
//! ```text
//! portee-admin migrate [--user postgres]
//! portee-admin seed --students 8000 --seed 42
//! portee-admin create-admin --login c.martin --name "Claire Martin"
//! portee-admin stats
//! portee-admin check-pdf justificatif.pdf avis.pdf
//! portee-admin purge-documents --dry-run
//! ```
//!
//! The database is `--database-url`, else `PORTEE_DATABASE_URL`, else the
//! configuration file, else the embedded database in `PORTEE_DATA_DIR` —
//! exactly as the app chooses it. On PostgreSQL these commands run as a
//! superuser of the server (`--user`, else the URL's user), whose password
//! comes from `PORTEE_ADMIN_PASSWORD` (or the URL, or the server's own
//! rules: peer, .pgpass) for this run only: it is never written anywhere.
//! Migrations create Portée's roles and give the schema to `portee_owner`
//! (migration 0007); the app itself never migrates a shared database.
//! Errors are French sentences on stderr, with a non-zero exit code.

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
    /// PostgreSQL : le superutilisateur sous lequel travailler (mot de passe
    /// dans PORTEE_ADMIN_PASSWORD, jamais enregistré).
    #[arg(long, global = true)]
    user: Option<String>,
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
    /// Crée le premier administrateur d'une base sans compte (mot de passe
    /// dans PORTEE_NEW_ADMIN_PASSWORD, sinon demandé).
    CreateAdmin {
        /// Identifiant (son rôle PostgreSQL porte ce nom).
        #[arg(long)]
        login: String,
        /// Prénom et nom.
        #[arg(long)]
        name: String,
    },
    /// Affiche les effectifs par table et par site, en JSON.
    Stats,
    /// Passe au suivant de la liste d'attente (ou libère) chaque place
    /// proposée dont le délai de confirmation est dépassé, comme le fait
    /// le premier écran de Portée qui affiche les places : pour une tâche
    /// planifiée sur le serveur, quand aucun poste n'est ouvert.
    ExpireOffers,
    /// Applique la durée de conservation des pièces justificatives : retire
    /// le contenu (le PDF) des avis d'imposition et attestations CAF
    /// acceptés depuis plus de --tax-days jours et de toute pièce examinée
    /// d'une campagne close depuis plus de --campaign-days jours ; garde
    /// les faits (type, statut, dates, examinateur, quotient familial,
    /// revenu fiscal). Jamais une pièce en attente d'examen. Une entrée du
    /// journal par pièce retirée.
    PurgeDocuments {
        /// Liste ce qui serait retiré, sans rien retirer.
        #[arg(long)]
        dry_run: bool,
        /// Jours après l'acceptation d'un avis d'imposition ou d'une
        /// attestation CAF.
        #[arg(long, default_value_t = 30)]
        tax_days: u32,
        /// Jours après la clôture de la campagne, pour toute pièce examinée.
        #[arg(long, default_value_t = 365)]
        campaign_days: u32,
    },
    /// Vérifie des PDF comme Portée les vérifie au dépôt : une ligne par
    /// fichier ; code de sortie 0 si tous sont acceptés, 1 si l'un est
    /// refusé, 2 si un fichier est illisible ou la commande mal formée.
    /// Ne touche à aucune base de données.
    CheckPdf {
        /// Les fichiers à vérifier.
        #[arg(required = true)]
        files: Vec<std::path::PathBuf>,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::CheckPdf { files } = &cli.command {
        return check_pdf(files);
    }
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("portee-admin : {message}");
            ExitCode::FAILURE
        }
    }
}

/// `check-pdf`: one verdict line per file on stdout.
fn check_pdf(files: &[std::path::PathBuf]) -> ExitCode {
    let limits = portee_pdfcheck::Limits::default();
    let mut refused = false;
    let mut unreadable = false;
    for path in files {
        let shown = path.display();
        // The size first: a huge file is refused without being read.
        let verdict = std::fs::metadata(path).and_then(|m| {
            if m.len() > limits.max_bytes as u64 {
                Ok(Err(portee_pdfcheck::Refusal::TooLarge {
                    size_kib: usize::try_from(m.len().div_ceil(1024)).unwrap_or(usize::MAX),
                    max_kib: limits.max_bytes / 1024,
                }))
            } else {
                std::fs::read(path).map(|bytes| portee_pdfcheck::check_with(&bytes, &limits))
            }
        });
        match verdict {
            Ok(Ok(report)) => println!(
                "{shown} : accepté ({} page{}, PDF {})",
                report.pages,
                if report.pages > 1 { "s" } else { "" },
                report.version
            ),
            Ok(Err(refusal)) => {
                refused = true;
                println!("{shown} : refusé, {refusal}");
            }
            Err(e) => {
                unreadable = true;
                let why = match e.kind() {
                    std::io::ErrorKind::NotFound => "fichier introuvable".to_owned(),
                    std::io::ErrorKind::PermissionDenied => "accès refusé".to_owned(),
                    std::io::ErrorKind::IsADirectory => "c'est un dossier".to_owned(),
                    _ => format!("erreur de lecture : {e}"),
                };
                println!("{shown} : illisible ({why})");
            }
        }
    }
    if unreadable {
        ExitCode::from(2)
    } else if refused {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

async fn open(url: Option<String>, user: Option<&str>) -> Result<Database, String> {
    let url = match url {
        Some(url) => url,
        None => {
            let config = portee_config::Config::load().map_err(|e| e.to_string())?;
            config.ensure_dirs().map_err(|e| e.to_string())?;
            config.database_url
        }
    };
    let password = std::env::var("PORTEE_ADMIN_PASSWORD").ok();
    let db = Database::connect_as_user(&url, user, password.as_deref())
        .await
        .map_err(|e| e.to_string())?;
    if !db.is_superuser().await.map_err(|e| e.to_string())? {
        return Err(
            "sur PostgreSQL, portee-admin travaille en superutilisateur du serveur \
             (--user postgres, mot de passe dans PORTEE_ADMIN_PASSWORD) : il crée les rôles \
             de Portée et leur donne leurs droits."
                .into(),
        );
    }
    Ok(db)
}

/// The new administrator's password: PORTEE_NEW_ADMIN_PASSWORD, else one
/// line read from the terminal.
fn new_admin_password() -> Result<String, String> {
    if let Ok(p) = std::env::var("PORTEE_NEW_ADMIN_PASSWORD") {
        return Ok(p);
    }
    eprint!("Mot de passe du nouvel administrateur : ");
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| format!("lecture du mot de passe impossible ({e})"))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

fn workstation() -> String {
    std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_owned())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "portee-admin".to_owned())
}

async fn run(cli: Cli) -> Result<(), String> {
    let db = open(cli.database_url, cli.user.as_deref()).await?;
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
        Command::CreateAdmin { login, name } => {
            let password = new_admin_password()?;
            let admin = portee_services::session::create_first_admin(
                &db,
                &login,
                &name,
                &password,
                &workstation(),
            )
            .await
            .map_err(|e| e.to_string())?;
            println!(
                "Premier administrateur créé : {} ({}){}.",
                admin.display_name,
                admin.login,
                if db.kind() == portee_store::DatabaseKind::Postgres {
                    format!(", rôle PostgreSQL « {} »", admin.login)
                } else {
                    String::new()
                }
            );
        }
        Command::ExpireOffers => {
            let lapsed = db
                .expire_seat_offers(chrono::Utc::now(), &Actor::system(workstation()))
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "{lapsed} place(s) proposée(s) non confirmée(s) dans le délai : proposée(s) au suivant \
                 de la liste d'attente, ou libérée(s) quand personne n'attend."
            );
        }
        Command::PurgeDocuments {
            dry_run,
            tax_days,
            campaign_days,
        } => {
            let rules = portee_domain::retention::RetentionRules::new(tax_days, campaign_days)
                .map_err(|e| e.message().to_owned())?;
            let now = chrono::Utc::now();
            let candidates = db
                .purge_candidates(&rules, now)
                .await
                .map_err(|e| e.to_string())?;
            let bytes: i64 = candidates.iter().map(|c| c.size_bytes).sum();
            for c in &candidates {
                println!(
                    "{}\t{}\t{}\tfamille {}\t{}",
                    c.id, c.doc_type, c.status, c.family_id, c.reason
                );
            }
            let mib = bytes as f64 / 1_048_576.0;
            if dry_run {
                println!(
                    "{} pièce(s) seraient retirées ({mib:.1} Mio) ; rien n'a été retiré (--dry-run).",
                    candidates.len()
                );
            } else {
                let total = candidates.len();
                let purged = db
                    .purge_documents(&candidates, now, &Actor::system(workstation()), |done| {
                        eprintln!("… {done} / {total}");
                    })
                    .await
                    .map_err(|e| e.to_string())?;
                println!(
                    "{purged} pièce(s) retirée(s) ({mib:.1} Mio) ; leurs faits et le journal sont conservés."
                );
            }
        }
        // Handled by main before any database is opened.
        Command::CheckPdf { .. } => {}
        Command::Stats => {
            let stats = db.stats().await.map_err(|e| e.to_string())?;
            let json = serde_json::to_string_pretty(&stats).map_err(|e| e.to_string())?;
            println!("{json}");
        }
    }
    db.close().await;
    Ok(())
}
