import { DOMParser, type Document, type Element, type Node } from '@xmldom/xmldom'
import { SamlError } from './errors.js'

export const SAML_ASSERTION_NS = 'urn:oasis:names:tc:SAML:2.0:assertion'
export const SAML_METADATA_NS = 'urn:oasis:names:tc:SAML:2.0:metadata'
export const XMLDSIG_NS = 'http://www.w3.org/2000/09/xmldsig#'

const ELEMENT = 1
const TEXT = 3
const CDATA = 4
const PROCESSING_INSTRUCTION = 7
const COMMENT = 8
const DOCUMENT = 9

/**
 * Parses a SAML document. DTDs are refused outright (no entity is ever expanded, no
 * external resource read), and so are comments and processing instructions anywhere in
 * it: canonicalization drops comments, so text around one would read differently from
 * what was signed (the 2018 "comment truncation" attacks on SAML libraries).
 */
export function parseXml (xml: string, what: string): Document {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new SamlError(`the ${what} has a DTD, which is not allowed`)
  let document: Document
  try {
    document = new DOMParser({
      onError: (level, message) => { if (level !== 'warning') throw new SamlError(`the ${what} is not well-formed XML (${message.split('\n')[0]})`) }
    }).parseFromString(xml, 'text/xml')
  } catch (error) {
    if (error instanceof SamlError) throw error
    throw new SamlError(`the ${what} is not well-formed XML`, { cause: error })
  }
  if (document.doctype !== null || !document.documentElement) throw new SamlError(`the ${what} is not a SAML document`)
  refuseHiddenNodes(document, what)
  return document
}

/** Walks the whole document, before and after the root too; only the XML declaration is let through. */
function refuseHiddenNodes (node: Node | Document, what: string): void {
  for (let child = node.firstChild; child !== null; child = child.nextSibling) {
    if (child.nodeType === PROCESSING_INSTRUCTION && node.nodeType === DOCUMENT && child.nodeName === 'xml') continue
    if (child.nodeType === COMMENT) throw new SamlError(`the ${what} contains an XML comment, which is not allowed`)
    if (child.nodeType === PROCESSING_INSTRUCTION) throw new SamlError(`the ${what} contains a processing instruction, which is not allowed`)
    if (child.nodeType === ELEMENT) refuseHiddenNodes(child, what)
  }
}

export function isElement (node: Node | null, namespace: string, localName: string): node is Element {
  return node !== null && node.nodeType === ELEMENT && (node as Element).namespaceURI === namespace && (node as Element).localName === localName
}

/** The element children of `parent` with that name. */
export function childElements (parent: Element, namespace: string, localName: string): Element[] {
  const found: Element[] = []
  for (let child = parent.firstChild; child !== null; child = child.nextSibling) {
    if (isElement(child, namespace, localName)) found.push(child)
  }
  return found
}

/** The one element child with that name, or undefined; more than one is refused. */
export function optionalChild (parent: Element, namespace: string, localName: string, what: string): Element | undefined {
  const found = childElements(parent, namespace, localName)
  if (found.length > 1) throw new SamlError(`the ${what} has more than one ${localName}`)
  return found[0]
}

export function requiredChild (parent: Element, namespace: string, localName: string, what: string): Element {
  const found = optionalChild(parent, namespace, localName, what)
  if (!found) throw new SamlError(`the ${what} has no ${localName}`)
  return found
}

/** All descendant elements with that name, in document order. */
export function descendants (root: Element | Document, namespace: string, localName: string): Element[] {
  return Array.from(root.getElementsByTagNameNS(namespace, localName))
}

/**
 * The text of an element that may hold only text (an Issuer, an AttributeValue): an
 * element inside it is refused rather than flattened into its text.
 */
export function textOf (element: Element, what: string): string {
  let text = ''
  for (let child = element.firstChild; child !== null; child = child.nextSibling) {
    if (child.nodeType === TEXT || child.nodeType === CDATA) text += child.nodeValue ?? ''
    else throw new SamlError(`the ${what}'s ${element.localName} holds markup where only text is allowed`)
  }
  return text.trim()
}

/** An attribute that must be present, with a value. */
export function requiredAttribute (element: Element, name: string, what: string): string {
  const value = element.getAttribute(name)
  if (value === null || value === '') throw new SamlError(`the ${what}'s ${element.localName} has no ${name}`)
  return value
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/

/** An xs:dateTime in UTC (SAML core §1.3.3: instants carry no time zone offset). */
export function instant (value: string, name: string): Date {
  const date = new Date(value)
  // The day must exist: 2027-02-30 is refused, not read as 2 March.
  if (!INSTANT.test(value) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value.slice(0, 10)) throw new SamlError(`${name} is not a UTC time (YYYY-MM-DDThh:mm:ssZ)`)
  return date
}
