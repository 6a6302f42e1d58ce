package io.sluice.engine.state;

import java.time.Instant;

/** The last snapshot load of a stream that was published, for status and logs. */
public record CompletedLoad(String loadId, Instant finishedAt, long rows) {}
