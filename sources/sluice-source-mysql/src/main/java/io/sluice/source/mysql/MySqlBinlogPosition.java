package io.sluice.source.mysql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.SluiceException;

/**
 * A point in the binary log between two row changes, as a cdc stream's position:
 * {@code {"file":"binlog.000003","pos":1234,"gtids":"0-1-42","skip":17,"server_id":734221}}.
 *
 * <p>{@code file}/{@code pos} is where the transaction being read starts (its GTID or BEGIN event), so a reader
 * restarts there and drops the first {@code skip} row changes of that transaction, which were applied already; after
 * a commit, {@code pos} is the next transaction's start and {@code skip} is 0. {@code gtids} is the GTID set of the
 * transactions complete before that point (MariaDB's {@code domain-server-seq} list or MySQL's {@code uuid:1-n}
 * set), null when the server has no GTIDs; with it, a reader may restart on another server of the same replication
 * topology, whose files differ. {@code server_id} is the replica id the reader announces: chosen once, at random
 * unless configured, it travels in every position and so in the state file.
 *
 * <p>Positions order by GTID set containment when both have sets that differ, else by file sequence number, offset
 * and skip.
 */
record MySqlBinlogPosition(String file, long pos, String gtids, long skip, long serverId)
    implements Comparable<MySqlBinlogPosition> {
  private static final ObjectMapper JSON = new ObjectMapper();

  MySqlBinlogPosition {
    java.util.Objects.requireNonNull(file, "file");
  }

  /** The position after {@code rows} more row changes of the same transaction. */
  MySqlBinlogPosition afterRows(long rows) {
    return new MySqlBinlogPosition(file, pos, gtids, rows, serverId);
  }

  String encode() {
    ObjectNode node = JSON.createObjectNode();
    node.put("file", file);
    node.put("pos", pos);
    if (gtids != null) {
      node.put("gtids", gtids);
    }
    node.put("skip", skip);
    node.put("server_id", serverId);
    return node.toString();
  }

  /** @throws SluiceException {@code CONFIG} naming the text when it is not a binlog position */
  static MySqlBinlogPosition decode(String text) {
    try {
      JsonNode node = JSON.readTree(text);
      if (node == null || !node.isObject() || !node.path("file").isTextual() || !node.path("pos").canConvertToLong()
          || !node.path("server_id").canConvertToLong()) {
        throw new IllegalArgumentException("missing file, pos or server_id");
      }
      JsonNode gtids = node.get("gtids");
      return new MySqlBinlogPosition(node.get("file").asText(), node.get("pos").asLong(),
          gtids == null || gtids.isNull() ? null : gtids.asText(), node.path("skip").asLong(0),
          node.get("server_id").asLong());
    } catch (Exception e) {
      throw new SluiceException(ErrorKind.CONFIG, "Cannot read binlog position '" + text + "' from the state file: "
          + "expected {\"file\":...,\"pos\":...,\"server_id\":...}; fix it or run the sync with --resync", e);
    }
  }

  @Override
  public int compareTo(MySqlBinlogPosition other) {
    if (gtids != null && other.gtids != null) {
      int byGtids = MySqlGtids.compare(gtids, other.gtids);
      if (byGtids == 0) {
        return Long.compare(skip, other.skip);
      }
      if (byGtids != MySqlGtids.INCOMPARABLE) {
        return byGtids;
      }
    }
    int byFile = Long.compare(fileSequence(file), fileSequence(other.file));
    if (byFile != 0) {
      return byFile;
    }
    int byPos = Long.compare(pos, other.pos);
    return byPos != 0 ? byPos : Long.compare(skip, other.skip);
  }

  /** The number a binlog file name ends in ({@code binlog.000042} is 42). */
  static long fileSequence(String file) {
    int dot = file.lastIndexOf('.');
    try {
      return Long.parseLong(file.substring(dot + 1));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
