package cn.gridmap.synthetic;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import javax.sql.DataSource;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import cn.gridmap.GridmapConfig;
import cn.gridmap.edit.ChangeSetService;
import cn.gridmap.edit.SignOff;
import cn.gridmap.security.Caller;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * 专属网格 of the synthetic city, derived from its organisations registry: each school, hospital, construction site,
 * scenic area, commercial complex, religious venue and large enterprise the registry holds becomes a grid of its own
 * in its community — the micro-grid it stands in, carved out of its standard grid by one change set ({@code createGrid}
 * per unit) and published as the city's next generation, elements re-placed as for any boundary change. Each grid
 * records its organisation and its responsible person (专属网格长); all of it is marked derived. Runs once, after the
 * elements (+700) and before the staff (+750), who then give each such grid its head.
 */
@ApplicationScoped
public class SyntheticExclusiveGrids {
    private static final Logger LOG = Logger.getLogger(SyntheticExclusiveGrids.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String TITLE = "专属网格（由组织机构库派生）";
    private static final long LOCK = 0x6772_6964_6578_63L; // "gridexc"
    private static final Map<String, String> HEADS = Map.of("学校", "校长", "医院", "院长", "建筑工地", "项目经理", "景区", "景区主任",
            "商业综合体", "总经理", "宗教场所", "负责人", "规上企业", "安全总监");

    private final DataSource owner;
    private final ChangeSetService changeSets;
    private final SignOff signOff;
    private final GridmapConfig config;
    private final cn.gridmap.lookup.LiveGridIndex index;

    public SyntheticExclusiveGrids(@io.quarkus.agroal.DataSource("owner") DataSource owner, ChangeSetService changeSets, SignOff signOff,
            GridmapConfig config, cn.gridmap.lookup.LiveGridIndex index) {
        this.owner = owner;
        this.index = index;
        this.changeSets = changeSets;
        this.signOff = signOff;
        this.config = config;
    }

    void onStart(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 720) StartupEvent e) throws SQLException {
        if (config.city().loadOnStart()) {
            deriveIfMissing();
        }
    }

    /** @return the exclusive grids created, 0 when they were derived before (or the city has no such unit) */
    public int deriveIfMissing() throws SQLException {
        try (Connection lock = owner.getConnection()) { // one service at a time derives (replicas start together)
            try (PreparedStatement ps = lock.prepareStatement("SELECT pg_advisory_lock(" + LOCK + ")")) {
                ps.execute();
            }
            try {
                return derive();
            } finally {
                try (PreparedStatement ps = lock.prepareStatement("SELECT pg_advisory_unlock(" + LOCK + ")")) {
                    ps.execute();
                }
            }
        }
    }

    private int derive() throws SQLException {
        List<JsonNode> ops = new ArrayList<>();
        try (Connection c = owner.getConnection()) {
            if (exists(c, "SELECT EXISTS (SELECT 1 FROM change_set WHERE title = ?)", TITLE)
                    || !exists(c, "SELECT EXISTS (SELECT 1 FROM region WHERE level = 'grid' AND generation_high IS NULL)", null)) {
                return 0;
            }
            Set<String> micros = new LinkedHashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT o.id, o.credit_code, o.name, o.category, o.microgrid_code FROM organization o "
                    + "JOIN region m ON m.code = o.microgrid_code AND m.generation_high IS NULL "
                    + "WHERE o.derived AND o.category = ANY (?) AND (SELECT count(*) FROM region s WHERE s.parent_code = m.parent_code "
                    + "AND s.generation_high IS NULL) > 1 ORDER BY o.microgrid_code, o.id")) {
                ps.setArray(1, c.createArrayOf("text", SyntheticLoader.InstitutionType.CATEGORIES.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (micros.add(rs.getString(5))) {
                            ops.add(op(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)));
                        }
                    }
                }
            }
        }
        if (ops.isEmpty()) {
            return 0;
        }
        long t0 = System.nanoTime();
        Caller caller = Caller.service("synthetic-exclusive-grids");
        ChangeSetService.ChangeSet cs = changeSets.create(caller, new ChangeSetService.NewChangeSet(TITLE,
                "每个学校、医院、建筑工地、景区、商业综合体、宗教场所和规上企业所在的微网格划为所在社区的专属网格（合成数据，派生）。"
                        + " Derived: the synthetic city's units of these kinds in the organisations registry, one grid each.", "grid"));
        changeSets.applyAll(caller, cs.id(), ops);
        SignOff.Published p = signOff.publishDerived(caller, cs.id());
        index.refresh(); // now, not when the notice comes: the staff and the events loaded next are placed by it
        LOG.infof("synthetic city: %d 专属网格 derived from the organisations registry, published as generation %d (%.1f s)", ops.size(),
                p.generation(), (System.nanoTime() - t0) / 1e9);
        return ops.size();
    }

    private JsonNode op(long id, String creditCode, String name, String category, String micro) {
        Random rnd = new Random(config.city().seed() ^ id);
        ObjectNode o = JSON.createObjectNode();
        o.put("op", "createGrid");
        o.putArray("microgrids").add(micro);
        String short60 = name.length() > 55 ? name.substring(0, 55) : name;
        o.put("name", short60 + "专属网格");
        o.put("kind", "exclusive");
        ObjectNode props = o.putObject("properties");
        ObjectNode org = props.putObject("organization");
        org.put("id", id);
        org.put("creditCode", creditCode);
        org.put("name", name);
        org.put("category", category);
        ObjectNode head = props.putObject("responsible");
        head.put("name", SyntheticNames.person(rnd, rnd.nextBoolean()));
        head.put("title", HEADS.getOrDefault(category, "负责人"));
        props.put("source", "derived from the organisations registry of the synthetic city");
        return o;
    }

    private static boolean exists(Connection c, String sql, String arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (arg != null) {
                ps.setString(1, arg);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
