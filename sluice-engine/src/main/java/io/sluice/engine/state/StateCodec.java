package io.sluice.engine.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.spi.ConfigException;
import io.sluice.spi.Split;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Maps {@link SyncState} to and from the state file's JSON. Any malformed part is an error naming the file. */
final class StateCodec {
  /** Bumped when the layout changes incompatibly; a newer file is refused rather than misread. */
  static final int VERSION = 1;

  private StateCodec() {}

  static ObjectNode encode(SyncState state) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("sluice_state_version", VERSION);
    state.source().ifPresent(source -> root.put("source", source));
    ObjectNode streams = root.putObject("streams");
    state.streams().forEach((key, stream) -> {
      ObjectNode node = streams.putObject(key);
      stream.load().ifPresent(load -> {
        ObjectNode l = node.putObject("load");
        l.put("id", load.loadId());
        l.put("stream_fingerprint", load.streamFingerprint());
        l.put("started_at", load.startedAt().toString());
        l.put("done", load.done().encode());
        l.put("rows_done", load.rowsDone());
        ArrayNode splits = l.putArray("splits");
        for (Split split : load.splits()) {
          ObjectNode s = splits.addObject();
          s.put("id", split.id());
          s.set("descriptor", split.descriptor());
          s.put("estimated_rows", split.estimatedRows());
        }
      });
      stream.incremental().ifPresent(progress -> {
        ObjectNode i = node.putObject("incremental");
        i.put("cursor_field", progress.cursorField());
        progress.position().ifPresent(position -> i.set("position", position));
        progress.lastPollAt().ifPresent(at -> i.put("last_poll_at", at.toString()));
        i.put("rows_last_run", progress.rowsLastRun());
      });
      stream.changeLog().ifPresent(log -> {
        ObjectNode c = node.putObject("change_log");
        c.put("position", log.position());
        c.put("backfilled", log.backfilled());
        log.lastCommitAt().ifPresent(at -> c.put("last_commit_at", at.toString()));
      });
      stream.lastCompletedLoad().ifPresent(done -> {
        ObjectNode c = node.putObject("last_completed_load");
        c.put("id", done.loadId());
        c.put("finished_at", done.finishedAt().toString());
        c.put("rows", done.rows());
      });
    });
    return root;
  }

  static SyncState decode(JsonNode root, String origin) {
    JsonNode version = root.get("sluice_state_version");
    if (version == null || !version.canConvertToInt()) {
      throw invalid(origin, "sluice_state_version", "is missing, expected the state file's version number");
    }
    if (version.asInt() > VERSION) {
      throw new ConfigException("sluice_state_version", "Invalid state file " + origin + ": key 'sluice_state_version' "
          + "is " + version.asInt() + ", written by a newer Sluice; expected " + VERSION + " or lower (upgrade Sluice "
          + "or use another state file)");
    }
    JsonNode streams = root.get("streams");
    if (streams == null || !streams.isObject()) {
      throw invalid(origin, "streams", "is missing or not an object");
    }
    Map<String, StreamState> result = new TreeMap<>();
    Iterator<Map.Entry<String, JsonNode>> entries = streams.fields();
    while (entries.hasNext()) {
      Map.Entry<String, JsonNode> entry = entries.next();
      String at = "streams." + entry.getKey();
      JsonNode node = entry.getValue();
      Optional<LoadProgress> load = Optional.empty();
      if (node.hasNonNull("load")) {
        load = Optional.of(decodeLoad(node.get("load"), at + ".load", origin));
      }
      Optional<CompletedLoad> completed = Optional.empty();
      if (node.hasNonNull("last_completed_load")) {
        JsonNode c = node.get("last_completed_load");
        completed = Optional.of(new CompletedLoad(text(c, "id", at + ".last_completed_load", origin),
            instant(c, "finished_at", at + ".last_completed_load", origin), c.path("rows").asLong()));
      }
      Optional<IncrementalProgress> incremental = Optional.empty();
      if (node.hasNonNull("incremental")) {
        JsonNode i = node.get("incremental");
        String incrementalAt = at + ".incremental";
        JsonNode position = i.get("position");
        if (position != null && !position.isObject()) {
          throw invalid(origin, incrementalAt + ".position", "is not an object {\"cursor\": ..., \"key\": [...]}");
        }
        incremental = Optional.of(new IncrementalProgress(Optional.ofNullable(position),
            text(i, "cursor_field", incrementalAt, origin),
            i.hasNonNull("last_poll_at") ? Optional.of(instant(i, "last_poll_at", incrementalAt, origin))
                : Optional.empty(),
            i.path("rows_last_run").asLong()));
      }
      Optional<ChangeLogProgress> changeLog = Optional.empty();
      if (node.hasNonNull("change_log")) {
        JsonNode c = node.get("change_log");
        String logAt = at + ".change_log";
        if (!c.path("backfilled").isBoolean()) {
          throw invalid(origin, logAt + ".backfilled", "is missing or not true/false");
        }
        changeLog = Optional.of(new ChangeLogProgress(text(c, "position", logAt, origin), c.get("backfilled").asBoolean(),
            c.hasNonNull("last_commit_at") ? Optional.of(instant(c, "last_commit_at", logAt, origin))
                : Optional.empty()));
      }
      result.put(entry.getKey(), new StreamState(load, completed, incremental, changeLog));
    }
    JsonNode source = root.get("source");
    if (source != null && !source.isTextual()) {
      throw invalid(origin, "source", "is not a string");
    }
    return new SyncState(result, source == null ? Optional.empty() : Optional.of(source.asText()));
  }

  private static LoadProgress decodeLoad(JsonNode node, String at, String origin) {
    JsonNode splitsNode = node.get("splits");
    if (splitsNode == null || !splitsNode.isArray()) {
      throw invalid(origin, at + ".splits", "is missing or not an array");
    }
    List<Split> splits = new ArrayList<>();
    for (int i = 0; i < splitsNode.size(); i++) {
      JsonNode s = splitsNode.get(i);
      String splitAt = at + ".splits[" + i + "]";
      JsonNode descriptor = s.get("descriptor");
      if (descriptor == null) {
        throw invalid(origin, splitAt + ".descriptor", "is missing");
      }
      splits.add(new Split(text(s, "id", splitAt, origin), descriptor, s.path("estimated_rows").asLong(-1)));
    }
    ChunkSet done;
    try {
      done = ChunkSet.decode(text(node, "done", at, origin));
    } catch (IllegalArgumentException e) {
      throw invalid(origin, at + ".done", "is not a chunk set: " + e.getMessage());
    }
    return new LoadProgress(text(node, "id", at, origin), text(node, "stream_fingerprint", at, origin), instant(node, "started_at", at, origin), splits, done,
        node.path("rows_done").asLong());
  }

  private static String text(JsonNode node, String field, String at, String origin) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw invalid(origin, at + "." + field, "is missing or not a string");
    }
    return value.asText();
  }

  private static Instant instant(JsonNode node, String field, String at, String origin) {
    String text = text(node, field, at, origin);
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw invalid(origin, at + "." + field, "is '" + text + "', expected an ISO-8601 instant");
    }
  }

  private static ConfigException invalid(String origin, String key, String problem) {
    return new ConfigException(key, "Invalid state file " + origin + ": key '" + key + "' " + problem
        + " (the file is damaged or was edited by hand; restore it, or delete it to start over)");
  }
}
