package io.sluice.engine.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.engine.config.JsonFiles;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.SluiceException;

/**
 * What the engine records with every destination commit of a snapshot load: the load, the splits whose rows
 * are all in the destination, and their row count. Stored by the destination as an opaque string (in Iceberg,
 * the snapshot summary) and compared with the state file when a load resumes.
 */
public record Checkpoint(String loadId, ChunkSet done, long rows) {

  public String encode() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("load_id", loadId);
    node.put("done", done.encode());
    node.put("rows", rows);
    return node.toString();
  }

  /** @throws SluiceException (internal) when the destination holds a checkpoint this engine cannot read */
  public static Checkpoint decode(String text) {
    try {
      JsonNode node = JsonFiles.MAPPER.readTree(text);
      return new Checkpoint(node.get("load_id").asText(), ChunkSet.decode(node.get("done").asText()),
          node.get("rows").asLong());
    } catch (JsonProcessingException | RuntimeException e) {
      throw new SluiceException(ErrorKind.INTERNAL,
          "Cannot read the checkpoint recorded in the destination: '" + text + "' is not a Sluice checkpoint", e);
    }
  }
}
