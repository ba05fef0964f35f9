//! Staff accounts: one administrator, a manager per site, one or two
//! agents per site.

use chrono::Duration;
use rand::Rng as _;

use crate::Context;
use crate::model::Staff;
use crate::names;
use crate::places::{SITES, site_slug};
use crate::util::{OFFICE, Rng, between_hours, chance};

fn account(
    ctx: &Context,
    rng: &mut Rng,
    login: String,
    role: &'static str,
    sites: Vec<i16>,
) -> Staff {
    let female = chance(rng, 0.7);
    let pool = if chance(rng, 0.85) {
        names::FRENCH
    } else {
        names::pick_pool(rng)
    };
    let display_name = format!(
        "{} {}",
        names::adult_first_name(rng, pool, female),
        names::surname(rng, pool)
    );
    let created_at = ctx.opens_at - Duration::days(rng.random_range(60..900));
    let updated_at = between_hours(rng, created_at, ctx.opens_at, OFFICE);
    Staff {
        password: format!("demo-{login}"),
        login,
        display_name,
        role,
        active: true,
        must_change_password: false,
        failed_attempts: 0,
        locked_until: None,
        is_demo: true,
        created_at,
        updated_at,
        version: 1,
        sites,
    }
}

pub(crate) fn generate(ctx: &Context, rng: &mut Rng) -> Vec<Staff> {
    let all_sites: Vec<i16> = SITES.iter().map(|s| s.0).collect();
    let mut staff = vec![account(ctx, rng, "admin.demo".into(), "admin", all_sites)];
    for (site_id, _, _) in SITES {
        let slug = site_slug(site_id);
        staff.push(account(
            ctx,
            rng,
            format!("resp.{slug}"),
            "responsable",
            vec![site_id],
        ));
        staff.push(account(
            ctx,
            rng,
            format!("agent.{slug}"),
            "agent",
            vec![site_id],
        ));
        // The big sites have a second agent.
        if matches!(site_id, 1 | 3 | 5) {
            staff.push(account(
                ctx,
                rng,
                format!("agent2.{slug}"),
                "agent",
                vec![site_id],
            ));
        }
    }
    // One agent covers the two small sites together.
    staff.push(account(
        ctx,
        rng,
        "agent.coteaux".into(),
        "agent",
        vec![4, 8],
    ));
    staff
}

/// Indexes of the agents and managers working on `site_id`.
pub(crate) fn site_staff(staff: &[Staff], site_id: i16) -> Vec<usize> {
    staff
        .iter()
        .enumerate()
        .filter(|(_, s)| s.role != "admin" && s.sites.contains(&site_id))
        .map(|(i, _)| i)
        .collect()
}
