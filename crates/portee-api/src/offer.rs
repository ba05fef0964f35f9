//! « Cours & capacités »: a site's course offer for a school year, and the
//! change of a slot's capacity.

use serde::{Deserialize, Serialize};

use crate::Command;

/// The offer page.
pub struct GetOffer;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GetOfferRequest {
    /// None: the member's first site.
    pub site_id: Option<i16>,
    /// None: the newest school year with an offer (next year's during a
    /// campaign).
    pub school_year_id: Option<i64>,
    /// Read again by the open page itself (not the member's action): does
    /// not count as activity for the inactivity lock.
    #[serde(default)]
    pub refresh: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    pub site_id: i16,
    pub site_name: String,
    pub school_year_id: i64,
    pub school_year_label: String,
    /// The choices of the page's selectors.
    pub sites: Vec<(i16, String)>,
    pub school_years: Vec<(i64, String)>,
    /// The member may change this site's capacities (responsable or
    /// administrateur of the site); the backend checks again.
    pub can_change: bool,
    pub disciplines: Vec<OfferDiscipline>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferDiscipline {
    pub id: i64,
    pub name: String,
    pub capacity: i64,
    pub seats_taken: i64,
    /// Whole percent of its slots' seats taken.
    pub fill_rate: u32,
    pub courses: Vec<OfferCourse>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferCourse {
    pub id: i64,
    pub name: String,
    pub level: Option<String>,
    pub cycle: Option<i16>,
    /// « Créneau choisi par la famille », « Horaire fixé avec le professeur
    /// en septembre », « Cours attribué selon le niveau ».
    pub seat_mode_label: String,
    pub slots: Vec<OfferSlot>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferSlot {
    pub id: i64,
    /// « Mercredi 14:00–15:00 ».
    pub when: String,
    pub day_of_week: i16,
    pub teacher: String,
    pub room: String,
    pub capacity: i32,
    pub seats_taken: i32,
    pub version: i32,
    pub waiting: i64,
    /// A closed slot keeps its pupils but gives no new seat.
    pub open: bool,
    /// `complet`, `presque_complet`, `places` (portee_domain::seats::FillState).
    pub fill: String,
    pub fill_label: String,
}

impl Command for GetOffer {
    const NAME: &'static str = "get_offer";
    type Request = GetOfferRequest;
    type Response = Offer;
}

/// A slot's new capacity, over the version the page read.
pub struct SetSlotCapacity;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetSlotCapacityRequest {
    pub slot_id: i64,
    pub expected_version: i32,
    /// As typed: checked in the backend (a whole number, 0 to 500, never
    /// below the seats taken).
    pub capacity: String,
}

impl Command for SetSlotCapacity {
    const NAME: &'static str = "set_slot_capacity";
    type Request = SetSlotCapacityRequest;
    type Response = OfferSlot;
}

/// The class list and the waiting list of a slot, as the slot's panel shows
/// them, with the other slots of its course (where a student may move).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotDetail {
    pub slot: OfferSlot,
    pub course_name: String,
    /// The member may move, withdraw and give seats on this slot's site
    /// (agents too: this is secretariat work); the backend checks again.
    pub can_edit: bool,
    /// The member may change the slot itself and add slots to its course
    /// (responsable or administrateur of the site).
    pub can_manage: bool,
    pub course_id: i64,
    pub members: Vec<ClassMemberView>,
    pub waiting: Vec<WaitingView>,
    /// A seat is free and someone waits who was not offered one yet:
    /// « place libérée », the first of them proposed.
    pub freed_seat: bool,
    /// The days a family has to confirm a seat offered in this slot.
    pub offer_days: i32,
    /// The other slots of the course: id, « Mercredi 14:00–15:00 ·
    /// M. Martin », seats left.
    pub other_slots: Vec<(i64, String, i32)>,
    /// What the last change did, in French (empty on a plain read).
    pub notice: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassMemberView {
    pub enrolment_id: i64,
    pub student_id: i64,
    /// « DUPONT Léa ».
    pub name: String,
    pub family_number: String,
    /// « Validé », « Brouillon », « Pas de réponse »…
    pub dossier_status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitingView {
    pub student_id: i64,
    pub name: String,
    pub family_number: String,
    /// 1 = first.
    pub position: usize,
    /// « 02/12/2026 ».
    pub since: String,
    /// A freed seat is held for them until then, « 05/12/2026 à 16:30 »;
    /// `None` while they only wait.
    pub offered_until: Option<String>,
}

/// A slot's panel.
pub struct GetSlotDetail;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotRequest {
    pub slot_id: i64,
}

impl Command for GetSlotDetail {
    const NAME: &'static str = "get_slot_detail";
    type Request = SlotRequest;
    type Response = SlotDetail;
}

/// A student moved to another slot of the same course.
pub struct MoveStudent;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoveStudentRequest {
    /// The slot whose panel is open.
    pub slot_id: i64,
    pub enrolment_id: i64,
    pub target_slot_id: i64,
}

impl Command for MoveStudent {
    const NAME: &'static str = "move_student";
    type Request = MoveStudentRequest;
    type Response = SlotDetail;
}

/// A student withdrawn from their slot, with a reason.
pub struct WithdrawStudent;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithdrawStudentRequest {
    pub slot_id: i64,
    pub enrolment_id: i64,
    pub reason: String,
}

impl Command for WithdrawStudent {
    const NAME: &'static str = "withdraw_student";
    type Request = WithdrawStudentRequest;
    type Response = SlotDetail;
}

/// A student put on the slot's waiting list (last), by their number
/// (« élève 123 » or 123, as the fiche élève shows it).
pub struct JoinWaitingList;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinWaitingListRequest {
    pub slot_id: i64,
    pub student: String,
}

impl Command for JoinWaitingList {
    const NAME: &'static str = "join_waiting_list";
    type Request = JoinWaitingListRequest;
    type Response = SlotDetail;
}

/// A waiting student moved to another position, with a reason, over the
/// order the member saw.
pub struct ReorderWaitingList;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReorderWaitingListRequest {
    pub slot_id: i64,
    pub student_id: i64,
    /// As typed: 1 = first.
    pub position: String,
    /// The list's student ids in the order shown.
    pub expected: Vec<i64>,
    pub reason: String,
}

impl Command for ReorderWaitingList {
    const NAME: &'static str = "reorder_waiting_list";
    type Request = ReorderWaitingListRequest;
    type Response = SlotDetail;
}

/// A waiting student and the slot whose freed seat concerns them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatOfferRequest {
    pub slot_id: i64,
    pub student_id: i64,
}

/// The freed seat offered to the first of the waiting list not offered
/// one yet (as shown): held for them for the campaign's delay.
pub struct OfferFreedSeat;

impl Command for OfferFreedSeat {
    const NAME: &'static str = "offer_freed_seat";
    type Request = SeatOfferRequest;
    type Response = SlotDetail;
}

/// The family accepted the seat offered: the student takes it.
pub struct ConfirmSeatOffer;

impl Command for ConfirmSeatOffer {
    const NAME: &'static str = "confirm_seat_offer";
    type Request = SeatOfferRequest;
    type Response = SlotDetail;
}

/// The family declined the seat offered: it goes to the next of the list.
pub struct DeclineSeatOffer;

impl Command for DeclineSeatOffer {
    const NAME: &'static str = "decline_seat_offer";
    type Request = SeatOfferRequest;
    type Response = SlotDetail;
}

/// Waits for the offer to change on another workstation (PostgreSQL
/// LISTEN/NOTIFY): answers at once if the counter moved past `seen`, else
/// at the next change or after about 20 seconds. `None`: no notifications
/// on this database (SQLite): the page polls.
pub struct WaitOfferChange;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct WaitOfferChangeRequest {
    /// The counter last seen; `None` on the first call.
    pub seen: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferChange {
    pub seen: u64,
    /// The listening connection is up; `false`: changes may be missed, the
    /// page polls until it is back.
    pub live: bool,
}

impl Command for WaitOfferChange {
    const NAME: &'static str = "wait_offer_change";
    type Request = WaitOfferChangeRequest;
    type Response = Option<OfferChange>;
}

/// A slot's day, hours, teacher, room, capacity and opening changed, over
/// the version the page read (responsable or administrateur of the site).
pub struct UpdateSlot;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateSlotRequest {
    pub slot_id: i64,
    pub expected_version: i32,
    pub fields: portee_domain::seats::SlotInput,
}

impl Command for UpdateSlot {
    const NAME: &'static str = "update_slot";
    type Request = UpdateSlotRequest;
    type Response = OfferSlot;
}

/// A new slot for a course given by slot.
pub struct AddSlot;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddSlotRequest {
    pub course_id: i64,
    pub fields: portee_domain::seats::SlotInput,
}

impl Command for AddSlot {
    const NAME: &'static str = "add_slot";
    type Request = AddSlotRequest;
    type Response = OfferSlot;
}

/// « Préparer l'année suivante »: a site's offer of a school year copied
/// into the next (responsable or administrateur of the site).
pub struct PrepareNextYear;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrepareNextYearRequest {
    pub site_id: i16,
    /// The year copied (the one the page shows).
    pub school_year_id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextYearPrepared {
    pub school_year_id: i64,
    pub school_year_label: String,
    /// « 12 cours et 20 créneaux créés pour 2028-2029 ; 3 cours y étaient
    /// déjà (gardés tels quels). »
    pub message: String,
}

impl Command for PrepareNextYear {
    const NAME: &'static str = "prepare_next_year";
    type Request = PrepareNextYearRequest;
    type Response = NextYearPrepared;
}

/// A new course in a discipline of the site's offer shown (responsable or
/// administrateur of the site).
pub struct AddCourse;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddCourseRequest {
    pub site_id: i16,
    pub school_year_id: i64,
    pub discipline_id: i64,
    pub fields: portee_domain::seats::CourseInput,
}

impl Command for AddCourse {
    const NAME: &'static str = "add_course";
    type Request = AddCourseRequest;
    /// What was done, in French.
    type Response = String;
}
