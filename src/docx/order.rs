//! docx-rs writes some properties in an order the OOXML schema (ECMA-376) forbids: `pStyle`
//! after other paragraph properties, paragraph borders left and right before top, `rPr`
//! inside style paragraph properties, `zoom` after `defaultTabStop`, a `type` on grid
//! columns. Word tolerates most of it; the Open XML SDK validator and stricter readers do
//! not. This pass reorders the children of those elements into the schema's
//! sequence and drops what the schema does not allow there, keeping every byte of the
//! elements themselves.

use quick_xml::Reader;
use quick_xml::events::Event;

enum Node {
    Element { name: String, open: String, children: Vec<Node>, empty: bool },
    Raw(String),
}

/// The schema's child sequence for elements docx-rs gets wrong (names without prefix).
fn sequence(parent: &str) -> Option<&'static [&'static str]> {
    Some(match parent {
        "w:pPr" => &[
            "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl", "w:numPr",
            "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
            "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
            "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
            "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr",
            "w:sectPr", "w:pPrChange",
        ],
        "w:rPr" => &[
            "w:ins", "w:del", "w:moveFrom", "w:moveTo", "w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps",
            "w:smallCaps", "w:strike", "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof",
            "w:snapToGrid", "w:vanish", "w:webHidden", "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz",
            "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs",
            "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath", "w:rPrChange",
        ],
        "w:sectPr" => &[
            "w:headerReference", "w:footerReference", "w:footnotePr", "w:endnotePr", "w:type", "w:pgSz", "w:pgMar",
            "w:paperSrc", "w:pgBorders", "w:lnNumType", "w:pgNumType", "w:cols", "w:formProt", "w:vAlign", "w:noEndnote",
            "w:titlePg", "w:textDirection", "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange",
        ],
        "w:style" => &[
            "w:name", "w:aliases", "w:basedOn", "w:next", "w:link", "w:autoRedefine", "w:hidden", "w:uiPriority",
            "w:semiHidden", "w:unhideWhenUsed", "w:qFormat", "w:locked", "w:personal", "w:personalCompose",
            "w:personalReply", "w:rsid", "w:pPr", "w:rPr", "w:tblPr", "w:trPr", "w:tcPr", "w:tblStylePr",
        ],
        "w:pBdr" => &["w:top", "w:left", "w:bottom", "w:right", "w:between", "w:bar"],
        "w:numPr" => &["w:ilvl", "w:numId", "w:numberingChange", "w:ins"],
        "w:lvl" => &[
            "w:start", "w:numFmt", "w:lvlRestart", "w:pStyle", "w:isLgl", "w:suff", "w:lvlText", "w:lvlPicBulletId",
            "w:legacy", "w:lvlJc", "w:pPr", "w:rPr",
        ],
        "w:tblPr" => &[
            "w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize", "w:tblStyleColBandSize",
            "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar",
            "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange",
        ],
        "w:tcPr" => &[
            "w:cnfStyle", "w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:tcBorders", "w:shd", "w:noWrap", "w:tcMar",
            "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark", "w:headers", "w:cellIns", "w:cellDel",
            "w:cellMerge", "w:tcPrChange",
        ],
        "w:settings" => &[
            "w:writeProtection", "w:view", "w:zoom", "w:removePersonalInformation", "w:removeDateAndTime",
            "w:doNotDisplayPageBoundaries", "w:displayBackgroundShape", "w:printPostScriptOverText",
            "w:printFractionalCharacterWidth", "w:printFormsData", "w:embedTrueTypeFonts", "w:embedSystemFonts",
            "w:saveSubsetFonts", "w:saveFormsData", "w:mirrorMargins", "w:alignBordersAndEdges",
            "w:bordersDoNotSurroundHeader", "w:bordersDoNotSurroundFooter", "w:gutterAtTop", "w:hideSpellingErrors",
            "w:hideGrammaticalErrors", "w:activeWritingStyle", "w:proofState", "w:formsDesign", "w:attachedTemplate",
            "w:linkStyles", "w:stylePaneFormatFilter", "w:stylePaneSortMethod", "w:documentType", "w:mailMerge",
            "w:revisionView", "w:trackRevisions", "w:doNotTrackMoves", "w:doNotTrackFormatting", "w:documentProtection",
            "w:autoFormatOverride", "w:styleLockTheme", "w:styleLockQFSet", "w:defaultTabStop", "w:autoHyphenation",
            "w:consecutiveHyphenLimit", "w:hyphenationZone", "w:doNotHyphenateCaps", "w:showEnvelope",
            "w:summaryLength", "w:clickAndTypeStyle", "w:defaultTableStyle", "w:evenAndOddHeaders",
            "w:bookFoldRevPrinting", "w:bookFoldPrinting", "w:bookFoldPrintingSheets",
            "w:drawingGridHorizontalSpacing", "w:drawingGridVerticalSpacing", "w:displayHorizontalDrawingGridEvery",
            "w:displayVerticalDrawingGridEvery", "w:doNotUseMarginsForDrawingGridOrigin",
            "w:drawingGridHorizontalOrigin", "w:drawingGridVerticalOrigin", "w:doNotShadeFormData",
            "w:noPunctuationKerning", "w:characterSpacingControl", "w:printTwoOnOne", "w:strictFirstAndLastChars",
            "w:noLineBreaksAfter", "w:noLineBreaksBefore", "w:savePreviewPicture", "w:doNotValidateAgainstSchema",
            "w:saveInvalidXml", "w:ignoreMixedContent", "w:alwaysShowPlaceholderText", "w:doNotDemarcateInvalidXml",
            "w:saveXmlDataOnly", "w:useXSLTWhenSaving", "w:saveThroughXslt", "w:showXMLTags",
            "w:alwaysMergeEmptyNamespace", "w:updateFields", "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr",
            "w:compat", "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema", "w:themeFontLang", "w:clrSchemeMapping",
            "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions",
            "w:readModeInkLockDown", "w:smartTagType", "sl:schemaLibrary", "w:shapeDefaults",
            "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator",
        ],
        _ => return None,
    })
}

fn parse(xml: &str) -> Result<Vec<Node>, quick_xml::Error> {
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<(String, String, Vec<Node>)> = Vec::new();
    let mut top = Vec::new();
    let push = |stack: &mut Vec<(String, String, Vec<Node>)>, top: &mut Vec<Node>, node: Node| match stack.last_mut() {
        Some((_, _, children)) => children.push(node),
        None => top.push(node),
    };
    loop {
        let start = reader.buffer_position() as usize;
        let event = reader.read_event()?;
        let raw = &xml[start..reader.buffer_position() as usize];
        match event {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                stack.push((name, raw.to_string(), Vec::new()));
            }
            Event::End(e) => {
                // An end tag with nothing open: not XML this writer made; give it up as is.
                let Some((name, open, children)) = stack.pop() else {
                    return Err(quick_xml::Error::IllFormed(quick_xml::errors::IllFormedError::UnmatchedEndTag(String::from_utf8_lossy(e.name().as_ref()).into_owned())));
                };
                push(&mut stack, &mut top, Node::Element { name, open, children, empty: false });
            }
            Event::Empty(e) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                push(&mut stack, &mut top, Node::Element { name, open: raw.to_string(), children: Vec::new(), empty: true });
            }
            Event::Eof => break,
            _ => push(&mut stack, &mut top, Node::Raw(raw.to_string())),
        }
    }
    Ok(top)
}

/// Attributes docx-rs writes where the schema declares none.
const UNDECLARED: &[(&str, &str)] = &[("w:gridCol", " w:type=\"dxa\"")];

fn fix(node: &mut Node, drop_rpr_in_ppr: bool) {
    let Node::Element { name, open, children, .. } = node else { return };
    for (element, attribute) in UNDECLARED {
        if name == element {
            *open = open.replace(attribute, "");
        }
    }
    if drop_rpr_in_ppr && name == "w:pPr" {
        children.retain(|c| !matches!(c, Node::Element { name, .. } if name == "w:rPr"));
    }
    if let Some(seq) = sequence(name) {
        let rank = |c: &Node| match c {
            Node::Element { name, .. } => seq.iter().position(|s| s == name).unwrap_or(seq.len()),
            Node::Raw(_) => seq.len(),
        };
        children.sort_by_key(rank);
    }
    for c in children {
        fix(c, drop_rpr_in_ppr);
    }
}

fn write(node: &Node, out: &mut String) {
    match node {
        Node::Raw(s) => out.push_str(s),
        Node::Element { name, open, children, empty } => {
            out.push_str(open);
            if !*empty {
                for c in children {
                    write(c, out);
                }
                out.push_str("</");
                out.push_str(name);
                out.push('>');
            }
        }
    }
}

/// Reorders one XML part. In styles and numbering, paragraph properties may not carry run
/// properties (CT_PPrGeneral), so `drop_rpr_in_ppr` removes the empty ones docx-rs writes.
pub fn normalise(part: &[u8], drop_rpr_in_ppr: bool) -> Vec<u8> {
    let Ok(xml) = std::str::from_utf8(part) else { return part.to_vec() };
    let Ok(mut nodes) = parse(xml) else { return part.to_vec() };
    let mut out = String::with_capacity(xml.len());
    for n in &mut nodes {
        fix(n, drop_rpr_in_ppr);
        write(n, &mut out);
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reorders_paragraph_properties_and_keeps_text() {
        let xml = r#"<?xml version="1.0"?><w:p><w:pPr><w:rPr /><w:jc w:val="left" /><w:pStyle w:val="Heading1" /></w:pPr><w:r><w:t xml:space="preserve">a &amp; b</w:t></w:r></w:p>"#;
        let out = String::from_utf8(normalise(xml.as_bytes(), false)).unwrap();
        assert_eq!(
            out,
            r#"<?xml version="1.0"?><w:p><w:pPr><w:pStyle w:val="Heading1" /><w:jc w:val="left" /><w:rPr /></w:pPr><w:r><w:t xml:space="preserve">a &amp; b</w:t></w:r></w:p>"#
        );
        let styles = String::from_utf8(normalise(br#"<w:style><w:pPr><w:rPr /><w:spacing /></w:pPr><w:name /></w:style>"#, true)).unwrap();
        assert_eq!(styles, r#"<w:style><w:name /><w:pPr><w:spacing /></w:pPr></w:style>"#);
    }
}
