-- Online re-seating (server/assignment/steps/reseat.ts) may move a confirmed booking to other
-- tables; a pinned booking (placed by staff, or pinned by a person) never moves.
ALTER TABLE "bookings" ADD COLUMN "pinned" boolean DEFAULT false NOT NULL;
