package cn.gridmap.edit;

import java.util.List;

/** An operation or request that cannot be carried out: 422 with its issues, and nothing changes. */
public class EditRejected extends RuntimeException {
    private final transient List<Issue> issues;

    public EditRejected(List<Issue> issues) {
        super(issues.isEmpty() ? "rejected" : issues.get(0).message().get("en"));
        this.issues = List.copyOf(issues);
    }

    public List<Issue> issues() {
        return issues;
    }
}
