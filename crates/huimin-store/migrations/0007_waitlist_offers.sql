-- Waitlist offers: an entry points at the hold made for it, and ends with that hold
-- (booked / lapsed / declined), looked up by appointment.
CREATE INDEX waitlist_by_appointment ON waitlist_entries (appointment_id);
