//! Where things are in a piece of YAML: a light tree of nodes, each with its line and column, used
//! to point problems at the right place (serde gives the values, this gives the positions).

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// Nesting deeper than this is not recorded (its position is the outer node's).
const MAX_DEPTH: usize = 64;

/// A YAML node and where it starts (1-based line and column, in the YAML text).
#[derive(Debug)]
pub struct Node {
    pub line: usize,
    pub col: usize,
    pub kind: Kind,
}

#[derive(Debug)]
pub enum Kind {
    Scalar(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
    /// An alias, or nesting too deep to record.
    Other,
}

/// One step of a path such as `check.similarity.min` or `choices[1].explain`.
#[derive(Debug, Clone, PartialEq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// Parses `a.b[2].c` (serde_yaml's way of naming a place) into segments.
pub fn parse_path(path: &str) -> Vec<Seg> {
    let mut segs = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (name, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !name.is_empty() {
            segs.push(Seg::Key(name.to_string()));
        }
        while let Some(stripped) = rest.strip_prefix('[') {
            let Some(end) = stripped.find(']') else { break };
            if let Ok(i) = stripped[..end].parse() {
                segs.push(Seg::Index(i));
            }
            rest = &stripped[end + 1..];
        }
    }
    segs
}

impl Node {
    pub fn pos(&self) -> (usize, usize) {
        (self.line, self.col)
    }

    /// The value under `key` of a map.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key, 0).map(|(_, v)| v)
    }

    /// The `n`-th (0-based) entry with this key: (key node, value node).
    pub fn entry(&self, key: &str, n: usize) -> Option<(&Node, &Node)> {
        match &self.kind {
            Kind::Map(entries) => entries
                .iter()
                .filter(|(k, _)| matches!(&k.kind, Kind::Scalar(s) if s == key))
                .nth(n)
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    pub fn item(&self, i: usize) -> Option<&Node> {
        match &self.kind {
            Kind::Seq(items) => items.get(i),
            _ => None,
        }
    }

    /// Where `path` points: the key for a final key segment, the item for an index; when the
    /// path goes further than the tree, the deepest place it reached.
    pub fn locate(&self, path: &[Seg]) -> (usize, usize) {
        let mut node = self;
        let mut pos = self.pos();
        for seg in path {
            let next = match seg {
                Seg::Key(k) => node.entry(k, 0).map(|(key, value)| (key.pos(), value)),
                Seg::Index(i) => node.item(*i).map(|item| (item.pos(), item)),
            };
            match next {
                Some((p, n)) => {
                    pos = p;
                    node = n;
                }
                None => break,
            }
        }
        pos
    }

    /// The value node at `path`, if the whole path exists.
    pub fn at(&self, path: &[Seg]) -> Option<&Node> {
        let mut node = self;
        for seg in path {
            node = match seg {
                Seg::Key(k) => node.get(k)?,
                Seg::Index(i) => node.item(*i)?,
            };
        }
        Some(node)
    }
}

/// The tree of the first document in `text`, or `None` when it doesn't parse (serde reports why).
pub fn parse(text: &str) -> Option<Node> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    parser.load(&mut builder, false).ok()?;
    builder.root
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    root: Option<Node>,
    /// Inside nesting too deep to record: how deep, and where it started.
    skipping: usize,
    skip_start: (usize, usize),
}

enum Frame {
    Seq {
        pos: (usize, usize),
        items: Vec<Node>,
    },
    Map {
        pos: (usize, usize),
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
    },
}

impl Builder {
    fn push(&mut self, node: Node) {
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => entries.push((k, node)),
            },
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let pos = (mark.line(), mark.col() + 1);
        let starts = matches!(ev, Event::SequenceStart(..) | Event::MappingStart(..));
        let ends = matches!(ev, Event::SequenceEnd | Event::MappingEnd);
        if self.skipping > 0 {
            if starts {
                self.skipping += 1;
            } else if ends {
                self.skipping -= 1;
                if self.skipping == 0 {
                    let (line, col) = self.skip_start;
                    self.push(Node {
                        line,
                        col,
                        kind: Kind::Other,
                    });
                }
            }
            return;
        }
        if starts && self.stack.len() >= MAX_DEPTH {
            self.skipping = 1;
            self.skip_start = pos;
            return;
        }
        match ev {
            Event::Scalar(value, ..) => self.push(Node {
                line: pos.0,
                col: pos.1,
                kind: Kind::Scalar(value),
            }),
            Event::Alias(_) => self.push(Node {
                line: pos.0,
                col: pos.1,
                kind: Kind::Other,
            }),
            Event::SequenceStart(..) => self.stack.push(Frame::Seq {
                pos,
                items: Vec::new(),
            }),
            Event::MappingStart(..) => self.stack.push(Frame::Map {
                pos,
                entries: Vec::new(),
                key: None,
            }),
            Event::SequenceEnd | Event::MappingEnd => {
                let node = match self.stack.pop() {
                    Some(Frame::Seq { pos, items }) => Node {
                        line: pos.0,
                        col: pos.1,
                        kind: Kind::Seq(items),
                    },
                    Some(Frame::Map { pos, entries, .. }) => {
                        // A map's own mark is unreliable; its first key is where it visibly starts.
                        let (line, col) = entries.first().map(|(k, _)| k.pos()).unwrap_or(pos);
                        Node {
                            line,
                            col,
                            kind: Kind::Map(entries),
                        }
                    }
                    None => return,
                };
                self.push(node);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_of_keys_and_items() {
        let text = "id: a\nchoices:\n  - text: x\n    correct: true\n  - {text: y, explain: z}\n";
        let root = parse(text).expect("parses");
        assert_eq!(root.locate(&parse_path("id")), (1, 1));
        assert_eq!(root.locate(&parse_path("choices")), (2, 1));
        assert_eq!(root.locate(&parse_path("choices[0]")), (3, 5));
        assert_eq!(root.locate(&parse_path("choices[0].correct")), (4, 5));
        assert_eq!(root.locate(&parse_path("choices[1].explain")), (5, 15));
        // Beyond the tree: the deepest place reached.
        assert_eq!(root.locate(&parse_path("choices[1].nope")), (5, 6));
        assert_eq!(root.locate(&parse_path("missing.key")), (1, 1));
    }

    #[test]
    fn paths() {
        assert_eq!(
            parse_path("choices[1].explain"),
            vec![
                Seg::Key("choices".into()),
                Seg::Index(1),
                Seg::Key("explain".into())
            ]
        );
        assert_eq!(
            parse_path("solution[0][1]"),
            vec![Seg::Key("solution".into()), Seg::Index(0), Seg::Index(1)]
        );
        assert_eq!(parse_path(""), vec![]);
    }

    #[test]
    fn deep_nesting_is_cut_not_crashed() {
        let text = format!("a: {}1{}", "[".repeat(200), "]".repeat(200));
        let root = parse(&text).expect("parses");
        assert!(root.get("a").is_some());
    }
}
