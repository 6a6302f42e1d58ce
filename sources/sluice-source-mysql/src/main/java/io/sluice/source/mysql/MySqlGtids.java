package io.sluice.source.mysql;

import com.github.shyiko.mysql.binlog.GtidSet;
import com.github.shyiko.mysql.binlog.MariadbGtidSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * GTID sets as text, in both flavours. MariaDB's ({@code 0-1-42,1-5-7}) holds the last transaction of each
 * replication domain; MySQL's ({@code 3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7}) holds intervals per source
 * server.
 */
final class MySqlGtids {
  /** What {@link #compare} returns for sets neither of which contains the other. */
  static final int INCOMPARABLE = 2;

  private MySqlGtids() {}

  static boolean isMariaDb(String set) {
    return MariadbGtidSet.isMariaGtidSet(set);
  }

  /** {@code set} with transaction {@code gtid} ({@code 0-1-43} or {@code uuid:43}) added. */
  static String add(String set, String gtid) {
    if (isMariaDb(gtid)) {
      Map<String, String> byDomain = mariaDbDomains(set);
      byDomain.put(gtid.substring(0, gtid.indexOf('-')), gtid);
      return String.join(",", byDomain.values());
    }
    GtidSet mysql = new GtidSet(set == null ? "" : set);
    mysql.add(gtid);
    return mysql.toString();
  }

  /** -1, 0 or 1 as {@code a} is contained in, equal to, or contains {@code b}; else {@link #INCOMPARABLE}. */
  static int compare(String a, String b) {
    if (a.equals(b)) {
      return 0;
    }
    boolean aInB;
    boolean bInA;
    if (isMariaDb(a) || isMariaDb(b) || a.isEmpty() || b.isEmpty()) {
      aInB = mariaDbContained(a, b);
      bInA = mariaDbContained(b, a);
    } else {
      GtidSet setA = new GtidSet(a);
      GtidSet setB = new GtidSet(b);
      aInB = setA.isContainedWithin(setB);
      bInA = setB.isContainedWithin(setA);
    }
    if (aInB && bInA) {
      return 0;
    }
    return aInB ? -1 : bInA ? 1 : INCOMPARABLE;
  }

  /** Every domain of {@code a} is in {@code b} at the same or a later sequence number. */
  private static boolean mariaDbContained(String a, String b) {
    if (a.isEmpty()) {
      return true;
    }
    if (!isMariaDb(a) || (!b.isEmpty() && !isMariaDb(b))) {
      return false;
    }
    Map<String, String> domainsB = mariaDbDomains(b);
    for (String gtid : mariaDbDomains(a).values()) {
      String other = domainsB.get(gtid.substring(0, gtid.indexOf('-')));
      if (other == null || sequence(other) < sequence(gtid)) {
        return false;
      }
    }
    return true;
  }

  private static Map<String, String> mariaDbDomains(String set) {
    Map<String, String> byDomain = new LinkedHashMap<>();
    if (set != null && !set.isBlank()) {
      for (String gtid : set.split(",")) {
        String trimmed = gtid.trim();
        byDomain.put(trimmed.substring(0, trimmed.indexOf('-')), trimmed);
      }
    }
    return byDomain;
  }

  private static long sequence(String mariaDbGtid) {
    return Long.parseLong(mariaDbGtid.substring(mariaDbGtid.lastIndexOf('-') + 1));
  }
}
