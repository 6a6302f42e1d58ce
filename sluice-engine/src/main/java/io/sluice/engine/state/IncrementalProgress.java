package io.sluice.engine.state;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Optional;

/**
 * An incremental stream's progress: the (cursor, key) pair of the last committed row, as exact JSON (see
 * {@link CursorCodec}), and when the source was last polled successfully.
 *
 * @param position {@code {"cursor": ..., "key": [...]}}, or empty before the first committed row
 * @param cursorField the cursor column the position belongs to; a different cursor starts over
 * @param lastPollAt when the last run finished reading
 * @param rowsLastRun rows the last run read
 */
public record IncrementalProgress(
    Optional<JsonNode> position, String cursorField, Optional<Instant> lastPollAt, long rowsLastRun) {}
