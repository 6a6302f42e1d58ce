package io.sluice.engine.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sluice.engine.config.JsonFiles;
import java.util.Optional;

/**
 * What the engine records with every destination commit of change-log events: the source's log position the
 * commit covers. Destinations keep it with the data (Iceberg: the snapshot summary), so after a crash between
 * the commit and the state write the table itself says how far it got.
 */
final class LogCheckpoint {
  private static final String FIELD = "log_position";

  private LogCheckpoint() {}

  static String encode(String position) {
    return JsonNodeFactory.instance.objectNode().put(FIELD, position).toString();
  }

  /**
   * The position in a destination checkpoint, or empty when the checkpoint is not a log checkpoint (the table's
   * newest commit is a backfill's, which carries chunk progress instead).
   */
  static Optional<String> decode(String checkpoint) {
    try {
      JsonNode node = JsonFiles.MAPPER.readTree(checkpoint);
      JsonNode position = node == null ? null : node.get(FIELD);
      return position != null && position.isTextual() ? Optional.of(position.asText()) : Optional.empty();
    } catch (java.io.IOException e) {
      return Optional.empty();
    }
  }
}
