package cn.gridmap.field;

import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import cn.gridmap.event.EventService;
import cn.gridmap.security.Accounts;
import cn.gridmap.security.Caller;
import cn.gridmap.web.ApiException;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * 平安志愿者 (Hengyang's 衡阳群众): registered volunteers send tips — a point, a class, a text, a photo — that enter the
 * events loop as reports of source {@code volunteer}, inside the volunteer's own area; what each contributed is
 * counted (tips, those taken up as cases, those closed).
 */
@ApplicationScoped
public class Volunteers {
    public static final String SOURCE = "volunteer";
    private static final Set<String> FIELDS = Set.of("classCode", "lon", "lat", "text", "attachment", "clientId", "accuracyMeters");

    private final EventService events;
    private final Accounts accounts;

    public Volunteers(EventService events, Accounts accounts) {
        this.events = events;
        this.accounts = accounts;
    }

    public record Contributor(String username, String displayName, long tips, long cases, long closed) {
    }

    public record Contributions(String region, List<Contributor> volunteers, long tips, long cases, long closed) {
    }

    /** POST /api/tips {classCode, lon, lat, text, attachment?, clientId?, accuracyMeters?}. */
    public EventService.Created tip(Caller caller, JsonNode body) {
        JsonNode b = Patrols.object(body, "{classCode, lon, lat, text, attachment?, clientId?, accuracyMeters?}");
        for (java.util.Iterator<String> it = b.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw ApiException.badRequest("unknown field '" + f + "'; a tip has " + FIELDS);
            }
        }
        String text = b.path("text").isTextual() ? b.get("text").asText() : null;
        if (text == null || text.isBlank()) {
            throw ApiException.badRequest("text is required: what you saw");
        }
        String attachment = b.path("attachment").isTextual() ? b.get("attachment").asText() : null;
        EventService.Extra extra = new EventService.Extra(null, null, null, null, null, null, EventService.clientKey(b), attachment);
        return events.intake(caller, b.path("classCode").asText(null), Patrols.number(b, "lon", null), Patrols.number(b, "lat", null), null, null,
                text, SOURCE, Patrols.number(b, "accuracyMeters", null), extra);
    }

    /** GET /api/me/tips. */
    public EventService.Items mine(Caller caller, int limit) {
        return events.reportedBy(caller, SOURCE, limit);
    }

    /** GET /api/volunteers/contributions?region=. */
    public Contributions contributions(Caller caller, String region, int limit) {
        List<EventService.Contribution> cs = events.contributions(caller, SOURCE, region, limit);
        Map<String, String> names = accounts.displayNames(cs.stream().map(EventService.Contribution::reporter).toList());
        List<Contributor> out = cs.stream().map(c -> new Contributor(c.reporter(), names.get(c.reporter()), c.reports(), c.cases(), c.closed())).toList();
        return new Contributions(region == null || region.isBlank() ? null : region.trim(), out, out.stream().mapToLong(Contributor::tips).sum(),
                out.stream().mapToLong(Contributor::cases).sum(), out.stream().mapToLong(Contributor::closed).sum());
    }
}
