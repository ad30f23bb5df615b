//! The sandboxed Typst world: the generated source in memory, other files only from
//! inside the templates folder, no packages, no system fonts, a fixed date.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use typst::diag::{FileError, FileResult, PackageError};
use typst::foundations::{Bytes, Datetime, Dict, Value};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use serde::{Deserialize, Serialize};
use typst::text::{Font, FontBook, FontInfo};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_kit::fonts::{FontSource, FontStore};

use crate::templates::Templates;

/// What every document shares: the standard library, the fonts and the asset folder.
/// Built once per process; worker threads borrow it.
pub struct Shared {
    /// One standard library per set of `sys.inputs` (per brand), built when first needed.
    libraries: Mutex<HashMap<Vec<(String, String)>, Arc<LazyHash<Library>>>>,
    fonts: FontStore,
    templates: Templates,
    files: Mutex<HashMap<FileId, FileResult<Bytes>>>,
}

/// One face of the fonts built into Typst (`typst_assets::fonts`): which file, which face
/// of it, and what the font book needs to know of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmbeddedFace {
    file: usize,
    index: u32,
    info: FontInfo,
}

/// Learns the built-in fonts' faces by parsing all 17 of them: 2.7 ms, more than anything
/// else before a brief's first layout, for fonts a brief seldom uses (a build keeps what
/// this returns, `produce::cache`, and loads a face only when a document asks for it).
pub fn embedded_faces() -> Vec<EmbeddedFace> {
    typst_assets::fonts()
        .enumerate()
        .flat_map(|(file, data)| Font::iter(Bytes::new(data)).map(move |f| EmbeddedFace { file, index: f.index(), info: f.info().clone() }))
        .collect()
}

/// A built-in face, parsed when a document first uses it.
struct LazyEmbedded {
    data: &'static [u8],
    index: u32,
}

impl FontSource for LazyEmbedded {
    fn load(&self) -> Option<Font> {
        Font::new(Bytes::new(self.data), self.index)
    }
}

impl Shared {
    /// Loads the embedded Typst fonts plus every font file under `fonts/` of the
    /// templates (the user's beside the built-in ones).
    pub fn new(templates: &Templates) -> std::io::Result<Arc<Shared>> {
        Shared::with_embedded(templates, &embedded_faces())
    }

    /// As `new`, with the built-in fonts' faces already known (`embedded_faces`); a face
    /// naming no built-in file is left out.
    pub fn with_embedded(templates: &Templates, embedded: &[EmbeddedFace]) -> std::io::Result<Arc<Shared>> {
        let mut fonts = FontStore::new();
        let files: Vec<&'static [u8]> = typst_assets::fonts().collect();
        for face in embedded {
            if let Some(&data) = files.get(face.file) {
                fonts.push((LazyEmbedded { data, index: face.index }, face.info.clone()));
            }
        }
        for name in templates.names_under("fonts") {
            if !name.rsplit('.').next().is_some_and(|x| matches!(x, "ttf" | "otf" | "ttc")) {
                continue;
            }
            let Some(found) = templates.read(&name).map_err(std::io::Error::other)? else { continue };
            for font in Font::iter(Bytes::new(found.bytes)) {
                let info = font.info().clone();
                fonts.push((font, info));
            }
        }
        Ok(Arc::new(Shared { libraries: Mutex::new(HashMap::new()), fonts, templates: templates.clone(), files: Mutex::new(HashMap::new()) }))
    }

    /// The first character of `text` that no font of the store can show (Typst would
    /// print a blank box, and PDF/UA refuses it).
    pub fn unshowable(&self, text: &str) -> Option<char> {
        let book = self.fonts.book();
        let infos: Vec<_> = (0..).map_while(|i| book.info(i)).collect();
        text.chars().filter(|c| !c.is_whitespace() && !c.is_control()).find(|c| !infos.iter().any(|info| info.coverage.contains(*c as u32)))
    }

    pub fn templates(&self) -> &Templates {
        &self.templates
    }

    fn library(&self, inputs: &[(&str, &str)]) -> Arc<LazyHash<Library>> {
        let key: Vec<(String, String)> = inputs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let mut libraries = self.libraries.lock().expect("library cache");
        libraries
            .entry(key)
            .or_insert_with(|| {
                let dict: Dict = inputs.iter().map(|(k, v)| ((*k).into(), Value::Str((*v).into()))).collect();
                Arc::new(LazyHash::new(Library::builder().with_inputs(dict).build()))
            })
            .clone()
    }

    /// Drops cached template files, so the next document reads edited ones.
    pub fn forget_files(&self) {
        self.files.lock().expect("file cache").clear();
    }

    /// Reads a file of the templates folder; anything resolving outside it (`..`,
    /// symlinks) is refused, and packages do not exist here.
    fn read(&self, id: FileId) -> FileResult<Bytes> {
        if let VirtualRoot::Package(spec) = id.root() {
            return Err(FileError::Package(PackageError::NotFound(spec.clone())));
        }
        if let Some(hit) = self.files.lock().expect("file cache").get(&id) {
            return hit.clone();
        }
        let result = self.read_uncached(id.vpath());
        self.files.lock().expect("file cache").insert(id, result.clone());
        result
    }

    fn read_uncached(&self, vpath: &VirtualPath) -> FileResult<Bytes> {
        let name = vpath.get_with_slash().trim_start_matches('/').to_string();
        match self.templates.read(&name) {
            Ok(Some(found)) => Ok(Bytes::new(found.bytes)),
            Ok(None) => Err(FileError::NotFound(PathBuf::from(&name))),
            Err(why) => Err(FileError::Other(Some(format!("{why}; briefs may only use files inside the templates folder").into()))),
        }
    }
}

/// The id of a file of the project root by its virtual path.
pub fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).unwrap_or_else(|_| VirtualPath::new("/brief.typ").expect("valid path"));
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// One document's world.
pub struct BriefWorld {
    shared: Arc<Shared>,
    library: Arc<LazyHash<Library>>,
    main: Source,
    today: Datetime,
    /// Files given in memory (a spec's logo), by virtual path.
    extra: Vec<(FileId, Bytes)>,
}

impl BriefWorld {
    /// A world whose main file is `main`, the generated source (its file name is the one
    /// diagnostics show).
    pub fn new(shared: Arc<Shared>, main: Source, today: Datetime, inputs: &[(&str, &str)], extra: &[(&str, &[u8])]) -> BriefWorld {
        let extra = extra.iter().map(|(path, bytes)| (file_id(path), Bytes::new(bytes.to_vec()))).collect();
        let library = shared.library(inputs);
        BriefWorld { shared, library, main, today, extra }
    }

    /// Where a file of this world is, for messages: the generated source by its name,
    /// anything else inside the templates folder.
    pub fn display_path(&self, id: FileId, main_name: &str) -> PathBuf {
        if id == self.main.id() {
            PathBuf::from(main_name)
        } else {
            self.shared.templates.shown(id.vpath().get_without_slash())
        }
    }
}

impl World for BriefWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.shared.fonts.book()
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            return Ok(self.main.clone());
        }
        let bytes = self.shared.read(id)?;
        let text = std::str::from_utf8(&bytes).map_err(|_| FileError::InvalidUtf8)?;
        Ok(Source::new(id, text.to_string()))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.clone()));
        }
        if let Some((_, bytes)) = self.extra.iter().find(|(i, _)| *i == id) {
            return Ok(bytes.clone());
        }
        self.shared.read(id)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.shared.fonts.font(index)
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}
