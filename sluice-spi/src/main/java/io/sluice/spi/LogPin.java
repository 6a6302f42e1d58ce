package io.sluice.spi;

/**
 * A log position fixed before a backfill, from which the change log will be replayed after it. Returned by
 * {@link ChangeLogSource#pin}.
 *
 * <p>While the pin is open, the snapshots its source plans and reads ({@link Source#planSnapshot}) see the
 * database exactly as of {@link #position()} when {@link #snapshotConsistent()} says so (Postgres: the slot's
 * exported snapshot). Otherwise they see a later state, which is still correct, only less exact in between:
 * replaying the log from the pin re-applies changes the backfill already saw, and applying by key is
 * idempotent.
 */
public interface LogPin extends AutoCloseable {

  /** The position the replay starts from (opaque, ordered by {@link ChangeLogSource#comparePositions}). */
  String position();

  /** Whether snapshots read while the pin is open match {@link #position()} exactly. */
  boolean snapshotConsistent();

  /** Releases the pin's snapshot (not the log position: the source keeps the log from the pin on). */
  @Override
  void close();
}
