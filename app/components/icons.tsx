// Small icons (no icon font, no download), each hidden from screen readers: the button carries the label. Their shapes
// are drawn once per page (IconSprite, in the root layout) and each icon refers to its shape: a list with five icons on
// each of 25 rows then carries 125 short references instead of 125 copies of the paths, in its HTML and again in its
// React payload.
// The strokes are set once, on the shapes; an icon is then only its size and its reference.

const SHAPES = {
  trash: (
    <>
      <path d="M4 7h16M10 11v6M14 11v6M6 7l1 12a2 2 0 0 0 2 2h6a2 2 0 0 0 2-2l1-12M9 7V4h6v3" />
    </>
  ),
  disc: (
    <>
      <path d="M5 3h11l3 3v13a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2Z" />
      <path d="M7 3v5h8V3M7 21v-7h10v7" />
    </>
  ),
  plus: (
    <>
      <path d="M12 5v14M5 12h14" />
    </>
  ),
  resend: (
    <>
      <path d="M4 4v6h6M20 20v-6h-6" />
      <path d="M5 15a7 7 0 0 0 12.5 2M19 9A7 7 0 0 0 6.5 7" />
    </>
  ),
  users: (
    <>
      <path d="M16 21v-2a4 4 0 0 0-4-4H6a4 4 0 0 0-4 4v2M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8ZM22 21v-2a4 4 0 0 0-3-3.9M16 3.1a4 4 0 0 1 0 7.8" />
    </>
  ),
  gauge: (
    <>
      <path d="M12 14l4-4M3 12a9 9 0 1 1 18 0" />
    </>
  ),
  info: (
    <>
      <path d="M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20ZM12 16v-4M12 8h.01" />
    </>
  ),
  folder: (
    <>
      <path d="M3 7a2 2 0 0 1 2-2h4l2 2h8a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2Z" />
    </>
  ),
  envelope: (
    <>
      <path d="M3 6h18v12H3z" />
      <path d="m3 7 9 6 9-6" />
    </>
  ),
} as const;

type Shape = keyof typeof SHAPES;

/** Every icon's shape, once per page; an icon is a reference to one of these. */
export function IconSprite() {
  return (
    <svg aria-hidden className="absolute h-0 w-0 overflow-hidden">
      {Object.entries(SHAPES).map(([name, paths]) => (
        <symbol key={name} id={`icon-${name}`} viewBox="0 0 24 24">
          <g fill="none" stroke="currentColor" strokeWidth={1.8}>
            {paths}
          </g>
        </symbol>
      ))}
    </svg>
  );
}

const icon = (shape: Shape) => {
  const Icon = () => (
    <svg className="h-4 w-4" aria-hidden>
      <use href={`#icon-${shape}`} />
    </svg>
  );
  return Icon;
};

export const TrashIcon = icon("trash");
export const DiscIcon = icon("disc");
export const PlusIcon = icon("plus");
export const ResendIcon = icon("resend");
export const UsersIcon = icon("users");
export const GaugeIcon = icon("gauge");
export const InfoIcon = icon("info");
export const FolderIcon = icon("folder");
export const EnvelopeIcon = icon("envelope");
