//! Reference cycles between the elements of a document, found before usvg sees it.
//!
//! usvg follows a `mask`, `clip-path`, `filter`, pattern `fill` or `stroke`, marker, `<use>`
//! or `<feImage>` reference by converting what it names, recursively. Before that it breaks
//! the cycles it knows (an element that names itself, directly or through one other, for
//! clip paths, masks, filters and patterns) by setting the reference to `none`; any longer
//! ring (three masks that name each other, a ring closed through a duplicate `id`, a
//! pattern that inherits a `fill` naming itself) recurses until the stack overflows, which
//! aborts the process (found by the `demo_svg` fuzz target).
//!
//! [`depth`] takes usvg's view of the document: presentation attributes, `<style>`
//! sheets (matched with simplecss, usvg's own CSS parser) and `style` attributes, in that
//! order of precedence; an `id` that several elements share names the last of them (the
//! first for an `href`, as usvg resolves it); inherited `fill`, `stroke` and markers. It
//! breaks the cycles usvg breaks, the same way, then looks for one that is left. Where the
//! model is coarser than usvg (usvg breaks a cycle through a `<use>` inside its own copy of
//! the used content, and through `<feImage>` by its own rule), it finds a cycle usvg would
//! have broken: such a document is refused with the ring named, never converted into a
//! crash.

use std::collections::{HashMap, HashSet};

use usvg::roxmltree::{Document, Node};

/// The properties whose value can name an element, with the kind of element a reference
/// through them is followed to (`None`: any).
///
/// Markers are not among them: usvg keeps the markers it is inside of and skips one it
/// would enter again, so no ring through a marker recurses.
const PROPERTIES: [(&str, Option<&str>); 5] = [
    ("clip-path", Some("clipPath")),
    ("mask", Some("mask")),
    ("filter", Some("filter")),
    ("fill", Some("pattern")),
    ("stroke", Some("pattern")),
];

/// Of [`PROPERTIES`], the ones an element inherits from its parent: `fill` and `stroke`.
const INHERITED: std::ops::Range<usize> = 3..PROPERTIES.len();

/// The properties whose cycles usvg breaks, with the element kind it checks: clip paths,
/// masks and filters by element, patterns by id (`fix_recursive_links` and
/// `fix_recursive_patterns` in usvg's `svgtree/parse.rs`).
const BROKEN_BY_USVG: [(usize, &str); 5] = [
    (3, "pattern"),
    (4, "pattern"),
    (0, "clipPath"),
    (1, "mask"),
    (2, "filter"),
];

/// The elements whose content usvg converts where they stand in the document, so that it
/// inherits from their ancestors.
const RESOURCES: [&str; 5] = ["clipPath", "mask", "filter", "pattern", "marker"];

/// The elements whose `href` usvg follows into the named element (a pattern's `href` is
/// taken apart: see [`Graph::edges`]).
const HREF_ELEMENTS: [&str; 2] = ["use", "feImage"];

const XLINK: &str = "http://www.w3.org/1999/xlink";

/// A ring of references, as the ids of its elements in order, the first repeated at the
/// end (`["a", "b", "c", "a"]`), and the attribute each step goes through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Cycle {
    /// The ids of the elements of the ring (the first one again at the end).
    pub(super) ids: Vec<String>,
    /// The attribute of each step (`mask`, `href`, ...; `content` for a step into a child
    /// element): one fewer than `ids`.
    pub(super) through: Vec<&'static str>,
}

/// The depth of `doc` as usvg converts it: the most elements on one path from the root,
/// going into child elements and along references (each counts one level, as each is a
/// level of usvg's recursion); or the first reference cycle, if it has one.
pub(super) fn depth(doc: &Document<'_>) -> Result<usize, Cycle> {
    let graph = Graph::new(doc);
    graph.walk()
}

/// One reference: the element named, and the attribute that names it.
#[derive(Clone, Copy)]
struct Reference<'a, 'input> {
    to: Node<'a, 'input>,
    through: &'static str,
}

/// The value of every property of [`PROPERTIES`] on one element, as declared on it.
type Declared<'a> = [Option<&'a str>; PROPERTIES.len()];

/// The document's elements with what each one names.
struct Graph<'a, 'input> {
    doc: &'a Document<'input>,
    /// The last element with each id: what a property's `url(#id)` names.
    last_by_id: HashMap<&'a str, Node<'a, 'input>>,
    /// The first element with each id: what an `href` names.
    first_by_id: HashMap<&'a str, Node<'a, 'input>>,
    /// Per node (by `NodeId::get_usize`), the properties declared on it.
    declared: Vec<Declared<'a>>,
    /// Per node, the value each inherited property has there: its own, or its nearest
    /// ancestor's.
    inherited: Vec<Declared<'a>>,
    /// The (node, property) references usvg sets to `none` to break a cycle.
    broken: HashSet<(usize, usize)>,
}

impl<'a, 'input: 'a> Graph<'a, 'input> {
    fn new(doc: &'a Document<'input>) -> Self {
        let mut last_by_id = HashMap::new();
        let mut first_by_id = HashMap::new();
        let mut sheet = simplecss::StyleSheet::new();
        for node in doc.descendants().filter(Node::is_element) {
            if let Some(id) = node.attribute("id") {
                last_by_id.insert(id, node);
                first_by_id.entry(id).or_insert(node);
            }
            // The sheets usvg reads: `<style>` without a type, or of type text/css.
            if node.tag_name().name() == "style"
                && node.attribute("type").is_none_or(|t| t == "text/css")
                && let Some(text) = node.text()
            {
                sheet.parse_more(text);
            }
        }
        let count = doc.descendants().count();
        let mut declared = vec![[None; PROPERTIES.len()]; count];
        let mut inherited = vec![[None; PROPERTIES.len()]; count];
        // `descendants` lists a parent before its children.
        for node in doc.descendants() {
            let i = node.id().get_usize();
            if node.is_element() {
                declared[i] = declarations(node, &sheet);
            }
            let mut here = node
                .parent()
                .map_or([None; PROPERTIES.len()], |p| inherited[p.id().get_usize()]);
            for p in INHERITED {
                if declared[i][p].is_some() {
                    here[p] = declared[i][p];
                }
            }
            inherited[i] = here;
        }
        let mut graph = Graph {
            doc,
            last_by_id,
            first_by_id,
            declared,
            inherited,
            broken: HashSet::new(),
        };
        for (property, kind) in BROKEN_BY_USVG {
            while let Some(node) = graph.usvg_cycle(property, kind) {
                graph.broken.insert((node, property));
            }
        }
        graph
    }

    /// The id the value of `property` on `node` names as usvg parses it (a paint or a
    /// functional IRI), unless usvg has set it to `none`.
    fn link(&self, node: Node<'a, 'input>, property: usize) -> Option<&'a str> {
        let i = node.id().get_usize();
        if self.broken.contains(&(i, property)) {
            return None;
        }
        let value = self.declared[i][property]?;
        if PROPERTIES[property].1 == Some("pattern") {
            match svgtypes::Paint::from_str(value) {
                Ok(svgtypes::Paint::FuncIRI(id, _)) => Some(id),
                _ => None,
            }
        } else {
            svgtypes::FuncIRI::from_str(value).ok().map(|iri| iri.0)
        }
    }

    /// The next reference usvg sets to `none` for `property` (`find_recursive_link` and
    /// `find_recursive_pattern`): in document order, the first element of kind `kind`
    /// whose content (itself included) names it, or names an element whose content names
    /// it back; the element with that last reference.
    fn usvg_cycle(&self, property: usize, kind: &str) -> Option<usize> {
        // Patterns compare ids, the others elements.
        let names = |id: &str, target: Node<'a, 'input>| {
            if kind == "pattern" {
                target.attribute("id") == Some(id)
            } else {
                self.last_by_id.get(id) == Some(&target)
            }
        };
        for target in self.doc.descendants().filter(|n| n.has_tag_name(kind)) {
            for node in target.descendants() {
                let Some(id) = self.link(node, property) else {
                    continue;
                };
                if names(id, target) {
                    return Some(node.id().get_usize());
                }
                let Some(&linked) = self.last_by_id.get(id) else {
                    continue;
                };
                for back in linked.descendants() {
                    if self
                        .link(back, property)
                        .is_some_and(|id| names(id, target))
                    {
                        return Some(back.id().get_usize());
                    }
                }
            }
        }
        None
    }

    /// What `node` leads usvg to convert: its child elements (empty `through`), and the
    /// elements its references name.
    fn edges(&self, node: Node<'a, 'input>) -> Vec<Reference<'a, 'input>> {
        let mut edges: Vec<Reference<'a, 'input>> = node
            .children()
            .filter(Node::is_element)
            .map(|to| Reference { to, through: "" })
            .collect();
        let mut name = |value: &'a str, property: usize| {
            let (through, kind) = PROPERTIES[property];
            for id in urls(value) {
                if let Some(&to) = self.last_by_id.get(id)
                    && kind.is_none_or(|k| to.has_tag_name(k))
                {
                    edges.push(Reference { to, through });
                }
            }
        };
        let i = node.id().get_usize();
        for (property, value) in self.declared[i].iter().enumerate() {
            if let Some(value) = value
                && !self.broken.contains(&(i, property))
            {
                name(value, property);
            }
        }
        let tag = node.tag_name().name();
        // A resource's content inherits what the resource's parent has.
        if RESOURCES.contains(&tag)
            && let Some(parent) = node.parent()
        {
            let inherited = &self.inherited[parent.id().get_usize()];
            for property in INHERITED {
                if let Some(value) = inherited[property] {
                    name(value, property);
                }
            }
        }
        if HREF_ELEMENTS.contains(&tag)
            && let Some(&to) = href(node).and_then(|id| self.first_by_id.get(id))
        {
            edges.push(Reference {
                to,
                through: "href",
            });
        }
        if tag == "pattern" {
            // A pattern without children takes those of the pattern its `href` names, and so
            // on along the chain (which usvg follows without recursing, stopping at a
            // cycle): every child along it may be drawn, none of the patterns is entered.
            let mut seen = vec![node];
            let mut next = href(node).and_then(|id| self.first_by_id.get(id));
            while let Some(&pattern) = next
                && pattern.has_tag_name("pattern")
                && !seen.contains(&pattern)
            {
                seen.push(pattern);
                edges.extend(
                    pattern
                        .children()
                        .filter(Node::is_element)
                        .map(|to| Reference {
                            to,
                            through: "href",
                        }),
                );
                next = href(pattern).and_then(|id| self.first_by_id.get(id));
            }
        }
        edges
    }

    /// A depth-first walk from the root over [`Graph::edges`], without recursion (a
    /// document may be a thousand levels deep): an edge back to an element still on the
    /// walk's path closes a cycle. Without one, the depth of every element is known when
    /// the walk leaves it (every element it leads to has been left before), and the root's
    /// is the document's.
    fn walk(&self) -> Result<usize, Cycle> {
        #[derive(Clone, Copy, PartialEq)]
        enum State {
            New,
            OnPath,
            Done,
        }
        struct Frame<'a, 'input> {
            node: Node<'a, 'input>,
            edges: Vec<Reference<'a, 'input>>,
            next: usize,
        }
        let root = self.doc.root_element();
        let mut state = vec![State::New; self.declared.len()];
        let mut depth = vec![0usize; self.declared.len()];
        let mut path = vec![Frame {
            node: root,
            edges: self.edges(root),
            next: 0,
        }];
        state[root.id().get_usize()] = State::OnPath;
        while let Some(frame) = path.last_mut() {
            let Some(&edge) = frame.edges.get(frame.next) else {
                let i = frame.node.id().get_usize();
                state[i] = State::Done;
                let below = frame.edges.iter().map(|e| depth[e.to.id().get_usize()]);
                depth[i] = 1 + below.max().unwrap_or(0);
                path.pop();
                continue;
            };
            frame.next += 1;
            match state[edge.to.id().get_usize()] {
                State::Done => {}
                State::OnPath => return Err(self.cycle(&path_nodes(&path))),
                State::New => {
                    state[edge.to.id().get_usize()] = State::OnPath;
                    path.push(Frame {
                        node: edge.to,
                        edges: self.edges(edge.to),
                        next: 0,
                    });
                }
            }
        }
        return Ok(depth[root.id().get_usize()]);

        fn path_nodes<'a, 'input>(
            path: &[Frame<'a, 'input>],
        ) -> Vec<(Node<'a, 'input>, Reference<'a, 'input>)> {
            // Every frame has taken its edge `next - 1`: to the frame above it, and the last
            // one to the element that closes the cycle.
            path.iter().map(|f| (f.node, f.edges[f.next - 1])).collect()
        }
    }

    /// The cycle that the walk's last edge closes, `path` being the walk's path (each
    /// element with the edge it took last), from the element the last edge leads back to.
    fn cycle(&self, path: &[(Node<'a, 'input>, Reference<'a, 'input>)]) -> Cycle {
        let Some(&(_, closing)) = path.last() else {
            return Cycle {
                ids: Vec::new(),
                through: Vec::new(),
            };
        };
        let start = path
            .iter()
            .position(|(node, _)| *node == closing.to)
            .unwrap_or(0);
        let mut ids = vec![name_of(closing.to)];
        let mut through = Vec::new();
        for (i, (_, edge)) in path.iter().enumerate().skip(start) {
            // A step into a child shows where it enters an element with an id (or closes
            // the ring); the others only go down to the element that has the reference.
            let last = i + 1 == path.len();
            if !edge.through.is_empty() {
                through.push(edge.through);
            } else if edge.to.has_attribute("id") || last {
                through.push("content");
            } else {
                continue;
            }
            ids.push(name_of(edge.to));
        }
        Cycle { ids, through }
    }
}

/// `#id` of an element that has one, `<tag>` of one that has none.
fn name_of(node: Node<'_, '_>) -> String {
    node.attribute("id").map_or_else(
        || format!("<{}>", node.tag_name().name()),
        |id| format!("#{id}"),
    )
}

/// The properties of [`PROPERTIES`] declared on `node`: its presentation attributes, then
/// the rules of `sheet` that match it, then its `style` attribute, a later declaration
/// replacing an earlier one (the order usvg applies them in).
fn declarations<'a>(node: Node<'a, '_>, sheet: &simplecss::StyleSheet<'a>) -> Declared<'a> {
    let mut declared = [None; PROPERTIES.len()];
    let mut declare = |name: &str, value: &'a str| {
        if let Some(i) = PROPERTIES.iter().position(|(p, _)| *p == name) {
            declared[i] = Some(value);
        }
    };
    for (name, _) in PROPERTIES {
        if let Some(value) = node.attribute(name) {
            declare(name, value);
        }
    }
    for rule in &sheet.rules {
        if rule.selector.matches(&CssNode(node)) {
            for d in &rule.declarations {
                declare(d.name, d.value);
            }
        }
    }
    if let Some(style) = node.attribute("style") {
        for d in simplecss::DeclarationTokenizer::from(style) {
            declare(d.name, d.value);
        }
    }
    declared
}

/// The id an element's `href` (or `xlink:href`) names.
fn href<'a>(node: Node<'a, '_>) -> Option<&'a str> {
    node.attribute((XLINK, "href"))
        .or_else(|| node.attribute("href"))
        .and_then(|h| h.trim().strip_prefix('#'))
}

/// A node as simplecss matches selectors against it (what usvg does).
struct CssNode<'a, 'input>(Node<'a, 'input>);

impl simplecss::Element for CssNode<'_, '_> {
    fn parent_element(&self) -> Option<Self> {
        self.0.parent_element().map(CssNode)
    }

    fn prev_sibling_element(&self) -> Option<Self> {
        self.0.prev_sibling_element().map(CssNode)
    }

    fn has_local_name(&self, name: &str) -> bool {
        self.0.tag_name().name() == name
    }

    fn attribute_matches(&self, name: &str, operator: simplecss::AttributeOperator<'_>) -> bool {
        self.0.attribute(name).is_some_and(|v| operator.matches(v))
    }

    fn pseudo_class_matches(&self, class: simplecss::PseudoClass<'_>) -> bool {
        matches!(class, simplecss::PseudoClass::FirstChild) && self.prev_sibling_element().is_none()
    }
}

/// The ids of every `url(#id)` in a property value (a filter list names several; a paint
/// has a fallback after its url).
fn urls(value: &str) -> impl Iterator<Item = &str> {
    value.split("url(").skip(1).filter_map(|rest| {
        let inner = rest.split(')').next()?.trim();
        let inner = inner.trim_matches(|c| c == '"' || c == '\'').trim();
        inner.strip_prefix('#').filter(|id| !id.is_empty())
    })
}
