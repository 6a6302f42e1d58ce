package io.sluice.spi;

import java.util.List;
import java.util.Objects;

/**
 * What one {@link ChangeStream#poll} returns: the events read, in log order, and where the log stands after
 * them.
 *
 * @param events the events, in log order; empty when the log was idle. A {@link LogEvent.SchemaChange} is only
 *     ever the first event of its batch, so the engine can commit everything before it first
 * @param position the position just after the last event of this batch (or further, when the source learned
 *     that the log advanced without events for the streams read): resuming from it re-reads nothing of this
 *     or earlier batches and skips nothing after them. Opaque to the engine; ordered by
 *     {@link ChangeLogSource#comparePositions}
 * @param endReached for a bounded stream, whether the end fixed when it was opened has been reached; no
 *     further poll is needed. Always false for an unbounded stream
 */
public record ChangeBatch(List<LogEvent> events, String position, boolean endReached) {
  public ChangeBatch {
    events = List.copyOf(events);
    Objects.requireNonNull(position, "position");
  }
}
