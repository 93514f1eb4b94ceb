// DecideScenarios — the eligibility scenarios through the C ABI from Java,
// with JNA (Debian's libjna-java): no JNI code, only libdivert.so and the
// declarations of include/divert/divert.h.
//
//   java -cp /usr/share/java/jna.jar:<classes> DecideScenarios \
//       <libdivert.so> <repository root> <cases.tsv>
//
// cases.tsv comes from tests/consumers/make_cases.py. Each policy is compiled
// once; each encounter is decided and its status, outcome and deciding
// version compared with what the C++ tests expect, and so are the rules it
// marks decisive. Exits 1 on any difference.

import com.sun.jna.IntegerType;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public final class DecideScenarios {
  static final int DIVERT_OK = 0;
  static final int DIVERT_FORMAT_TEXT = 0;
  static final int DIVERT_FORMAT_JSON = 1;

  /** C's size_t. */
  public static final class SizeT extends IntegerType {
    private static final long serialVersionUID = 1L;

    public SizeT() { this(0); }
    public SizeT(long value) { super(Native.SIZE_T_SIZE, value, true); }
  }

  /** The functions of divert.h this program needs. */
  public interface Divert extends Library {
    String divert_version_string();
    String divert_last_error();
    void divert_buffer_free(Pointer buffer);
    int divert_policy_compile(byte[] data, SizeT len, int format, PointerByReference out);
    void divert_policy_destroy(Pointer policy);
    int divert_policy_evaluate(Pointer policy, byte[] encounter, SizeT len, int inFormat,
                               int outFormat, PointerByReference decision, Pointer decisionLen);
  }

  private static final Pattern OUTCOME = Pattern.compile("\"outcome\":\"([A-Z_]+)\"");
  private static final Pattern VERSION = Pattern.compile("\"policyVersion\":\"([^\"]*)\"");

  private static String find(Pattern pattern, String json) {
    Matcher m = pattern.matcher(json);
    return m.find() ? m.group(1) : "";
  }

  /**
   * The ids of the rules a decision (compact proto3 JSON) marks decisive,
   * sorted and joined with commas: each rule's object runs from its "ruleId"
   * to the next one.
   */
  private static String decisiveRules(String json) {
    String marker = "{\"ruleId\":\"";
    List<String> ids = new ArrayList<>();
    int at = json.indexOf(marker);
    while (at >= 0) {
      int idStart = at + marker.length();
      int next = json.indexOf(marker, idStart);
      String rule = json.substring(idStart, next < 0 ? json.length() : next);
      if (rule.contains("\"decisive\":true")) ids.add(rule.substring(0, rule.indexOf('"')));
      at = next;
    }
    Collections.sort(ids);
    return String.join(",", ids);
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: DecideScenarios <libdivert.so> <repository root> <cases.tsv>");
      System.exit(2);
    }
    Divert divert = Native.load(args[0], Divert.class);
    Path root = Path.of(args[1]);
    List<String> lines = Files.readAllLines(Path.of(args[2]), StandardCharsets.UTF_8);
    Map<String, Pointer> policies = new HashMap<>();
    int checked = 0;
    int failures = 0;
    for (String line : lines) {
      String[] f = line.split("\t", 7);
      String name = f[0];
      Pointer policy = policies.get(f[1]);
      if (policy == null) {
        byte[] text = Files.readAllBytes(root.resolve(f[1]));
        PointerByReference out = new PointerByReference();
        if (divert.divert_policy_compile(text, new SizeT(text.length), DIVERT_FORMAT_TEXT, out)
            != DIVERT_OK) {
          throw new IllegalStateException(f[1] + ": " + divert.divert_last_error());
        }
        policy = out.getValue();
        policies.put(f[1], policy);
      }
      byte[] encounter = f[6].getBytes(StandardCharsets.UTF_8);
      PointerByReference buffer = new PointerByReference();
      int status = divert.divert_policy_evaluate(policy, encounter, new SizeT(encounter.length),
          DIVERT_FORMAT_JSON, DIVERT_FORMAT_JSON, buffer, null);
      checked++;
      int expectedStatus = Integer.parseInt(f[2]);
      if (status != expectedStatus) {
        System.err.printf("FAIL %s: status %d (%s), expected %d%n", name, status,
            divert.divert_last_error(), expectedStatus);
        failures++;
      } else if (status == DIVERT_OK) {
        String decision = buffer.getValue().getString(0, "UTF-8");
        divert.divert_buffer_free(buffer.getValue());
        String outcome = find(OUTCOME, decision);
        String version = find(VERSION, decision);
        String decisive = decisiveRules(decision);
        if (!outcome.equals(f[3]) || (!f[4].equals("-") && !version.equals(f[4]))) {
          System.err.printf("FAIL %s: decided %s under %s, expected %s under %s%n", name,
              outcome, version, f[3], f[4]);
          failures++;
        } else if (!decisive.equals(f[5])) {
          System.err.printf("FAIL %s: decisive rules %s, expected %s%n", name, decisive, f[5]);
          failures++;
        }
      }
    }
    for (Pointer policy : policies.values()) divert.divert_policy_destroy(policy);
    System.out.printf("Java (JNA): %d scenarios decided, %d as the C++ tests expect%n", checked,
        checked - failures);
    System.exit(failures == 0 && checked > 0 ? 0 : 1);
  }
}
