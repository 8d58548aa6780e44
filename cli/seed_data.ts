/**
 * Word material for `deno task seed`: campus places, problems per category and the lines helpdesk staff
 * and reporters write to each other. Placeholders in braces ({room}, {building}, …) are filled by the
 * generator, so a few dozen templates give thousands of different tickets.
 */
import type { Category } from "../lib/categories.ts";

/** Values the generator substitutes for each `{placeholder}`. */
export const PLACES: Record<string, readonly string[]> = {
  building: [
    "building A",
    "building C",
    "the main building",
    "the science block",
    "the library",
    "the engineering hall",
    "the student centre",
    "the sports hall",
    "the law faculty",
    "the chemistry building",
    "house 7 of the dorms",
    "the medical campus",
    "the old observatory",
    "the arts pavilion",
  ],
  room: [
    "A112",
    "B2.14",
    "C305",
    "E104",
    "lecture hall 2",
    "lecture hall H1",
    "the seminar room on floor 3",
    "lab L0.08",
    "room 4.21",
    "the reading room",
    "study room S12",
    "the computer pool",
    "the big auditorium",
    "the staff kitchen",
    "the PhD office 2.07",
  ],
  floor: ["ground floor", "first floor", "2nd floor", "third floor", "4th floor", "basement"],
  since: [
    "since Monday",
    "since this morning",
    "for two days now",
    "since the weekend",
    "again",
    "for over a week",
    "since yesterday afternoon",
    "every day this week",
  ],
  service: [
    "the canteen",
    "the cafeteria in the library",
    "the registrar's office",
    "the international office",
    "the housing office",
    "the library desk",
    "the shuttle bus",
    "the exam office",
    "the copy shop",
    "the student advisory service",
  ],
  app: [
    "the learning platform",
    "the exam registration portal",
    "campus email",
    "the library catalogue",
    "the timetable app",
    "the VPN",
    "the room booking system",
    "the grades portal",
  ],
  device: ["projector", "smartboard", "document camera", "lecture capture camera", "wireless microphone"],
};

/** Problem descriptions per category; each is one reporter's first message. */
export const PROBLEMS: Record<Category, readonly string[]> = {
  facility_management: [
    "The elevator in {building} is stuck on the {floor} {since}",
    "Radiator in {room} is stone cold {since}, we are sitting in coats",
    "Water is dripping from the ceiling in {room} when it rains",
    "The door of {room} does not lock anymore, the latch is broken",
    "The lights in the corridor on the {floor} of {building} keep flickering",
    "Toilet on the {floor} of {building} is clogged and the floor is wet",
    "The air conditioning in {room} is blowing hot air, it is over 30 degrees",
    "A window in {room} won't close, the handle came off",
    "Half of the chairs in {room} are broken, two have loose backrests",
    "No power in the sockets along the wall in {room} {since}",
    "The automatic door at the entrance of {building} is stuck open",
    "There are mice in the storage room next to {room}",
    "The ramp at the side entrance of {building} is covered in ice, someone slipped",
    "The parking barrier at the east car park does not open with my staff card",
    "A ceiling tile fell down in {room}, luckily nobody was sitting there",
    "The fire exit sign on the {floor} of {building} is dark",
    "Tap in the staff kitchen of {building} won't stop running",
    "The blinds in {room} are stuck halfway, the sun makes the screen unreadable",
    "Strong smell of gas near the labs on the {floor} of {building}",
    "The handrail on the stairs in {building} is loose",
    "Heating in {building} makes a loud banging noise all night",
    "The shower in {building} has no hot water {since}",
  ],
  technical_it: [
    "Wi-Fi keeps dropping in {room} {since}",
    "Can't log in to {app}, it says my password is wrong but I just reset it",
    "The {device} in {room} does not detect my laptop over HDMI",
    "The printer on the {floor} of {building} shows a paper jam but there is no paper inside",
    "{app} shows an error 500 when I try to upload my assignment",
    "My campus account is locked after the password change",
    "The PCs in {room} take ten minutes to log in {since}",
    "I got an email asking for my password that looks like phishing, forwarding it to you",
    "No network on the wired ports in {room}",
    "The software licence for MATLAB on the lab PCs in {room} has expired",
    "Lecture capture in {room} did not record today's lecture",
    "The {device} in {room} turns off after five minutes",
    "I cannot connect to eduroam on my phone, it keeps asking for the certificate",
    "{app} is extremely slow and times out {since}",
    "The card reader on the printer in {building} doesn't recognise my student card",
    "Two-factor authentication codes are rejected when I log in to {app}",
    "My mailbox is full and I can't receive any email",
    "The scanner in {room} sends the scans to the wrong email address",
    "Sound from the PC in {room} does not come through the room speakers",
    "The monitor of the PC at seat 12 in {room} stays black",
  ],
  services_complaints: [
    "The food in {service} was cold again today and still full price",
    "Queue at {service} takes over 40 minutes at lunchtime {since}",
    "The staff at {service} were really rude when I asked about my documents",
    "{service} closes at 3 pm, students with lectures until 4 can never go there",
    "The toilets in {building} have not been cleaned all week",
    "The shuttle bus left five minutes early and I missed my exam",
    "The bins in {room} are never emptied, it smells",
    "Prices in {service} went up again but the portions got smaller",
    "Nobody answers the phone at {service}, I have been trying for days",
    "The library closes too early during exam period, please extend opening hours",
    "The coffee machine in {service} has been out of milk {since}",
    "I waited three weeks for an answer from {service} about my housing contract",
    "The reading room is so noisy because nobody enforces the quiet rules",
    "{service} lost my application form and asked me to submit everything again",
    "The vegetarian option in {service} was sold out by 12:15 {since}",
    "Cleaning staff started vacuuming during my exam in {room}",
    "The fee for a replacement student card is far too high",
    "The advisor at {service} sent me to another office, who sent me back",
  ],
};

/** Ways reporters start a ticket; the empty string keeps the problem on its own. */
export const OPENERS: readonly string[] = ["", "", "", "Hi, ", "Hello, ", "Hi helpdesk, ", "Please help: "];

/** Ways reporters end a ticket; the empty string ends it with the problem. */
export const CLOSERS: readonly string[] = [
  "",
  "",
  "",
  ". Thanks!",
  ". Thank you",
  ". Can someone look at it please?",
  ", it's quite urgent.",
  ". This is the second time I report it.",
  ". We have an exam here tomorrow.",
];

/** The helpdesk's first reply, per category, with what the reporter may answer to a question. */
export const HELPDESK_FIRST: Record<Category, readonly { text: string; answers?: readonly string[] }[]> = {
  facility_management: [
    { text: "Thanks for reporting. We've passed this to the caretaker team for {building}." },
    { text: "Thank you, a technician is scheduled to check it today." },
    {
      text: "Thanks! Where exactly in the room is it?",
      answers: ["Right next to the door.", "By the windows at the back.", "Under the whiteboard."],
    },
    { text: "We've ordered the spare part, it usually takes a few days to arrive." },
  ],
  technical_it: [
    {
      text: "Thanks, we're looking into it. Could you send us the exact error message?",
      answers: ["It just says 'something went wrong, try again later'.", "Error 403, access denied."],
    },
    { text: "We've reset your account, please try again in 15 minutes." },
    { text: "Thanks for the report, a colleague from AV support is on the way." },
    {
      text: "Which device and operating system are you using?",
      answers: [
        "Windows 11 on a university laptop.",
        "A MacBook with the latest macOS.",
        "An Android phone.",
      ],
    },
  ],
  services_complaints: [
    { text: "Thank you for your feedback, we've forwarded it to the manager of {service}." },
    { text: "We're sorry to hear that. We've asked the team for a statement." },
    {
      text: "Thanks for letting us know. When did it happen?",
      answers: ["Yesterday around noon.", "On Tuesday morning, around 10.", "Several times last week."],
    },
    { text: "We've passed your complaint to the student services coordinator." },
  ],
};

/** Follow-ups from the reporter while a ticket is open. */
export const REPORTER_FOLLOW_UPS: readonly string[] = [
  "Any news on this?",
  "It happened again today.",
  "Still the same, unfortunately.",
  "Is there an update? It's still a problem.",
  "Thanks for the quick reply!",
];

/** Helpdesk updates while working on a ticket. */
export const HELPDESK_UPDATES: readonly string[] = [
  "We're still on it, thanks for your patience.",
  "The contractor is coming on Thursday morning.",
  "We found the cause and are working on a fix.",
  "The team confirmed the issue and will report back.",
  "We've escalated this to second-level support.",
];

/** The helpdesk's last message before closing a ticket. */
export const HELPDESK_CLOSING: readonly string[] = [
  "This should be fixed now. Please open a new ticket if it comes back.",
  "Done — thanks again for reporting it.",
  "The manager has replied and will address it with the team. Closing this ticket.",
  "Resolved. Let us know if anything is still not right.",
];

/** A reporter's thanks after a fix. */
export const REPORTER_THANKS: readonly string[] = [
  "Works again, thank you!",
  "Great, thanks a lot.",
  "Thanks for sorting it out.",
];

/** First names reporters sign their messages with (many leave it empty). */
export const REPORTER_NAMES: readonly string[] = [
  "Ana",
  "Ben",
  "Chen",
  "Dara",
  "Elif",
  "Farid",
  "Greta",
  "Hiro",
  "Ines",
  "Jonas",
  "Kemal",
  "Lena",
  "Maya",
  "Noah",
  "Olu",
  "Priya",
  "Ravi",
  "Sofia",
  "Tomás",
  "Yara",
];

/** Names the staff handling each category sign with. */
export const STAFF_NAMES: Record<Category, readonly string[]> = {
  facility_management: ["Sam (Helpdesk)", "Tom (Caretakers)", "Ada (Caretakers)"],
  technical_it: ["Sam (Helpdesk)", "Jo (IT)", "Lukas (IT)"],
  services_complaints: ["Sam (Helpdesk)", "Mei (Student services)"],
};

/**
 * How each category's tickets move: median hours until someone starts work, median hours from then
 * until closing, and the spread of the latter (log-normal sigma). IT is quick, facility waits for parts
 * and contractors, complaints wait for other offices.
 */
export const PACE: Record<Category, { startHours: number; resolveHours: number; sigma: number }> = {
  technical_it: { startHours: 2, resolveHours: 6, sigma: 1.2 },
  facility_management: { startHours: 10, resolveHours: 36, sigma: 1.1 },
  services_complaints: { startHours: 20, resolveHours: 70, sigma: 1.0 },
};

/** Share of tickets that stall (waiting for a part, a contractor, another office) and take six times longer. */
export const STALLED_SHARE = 0.03;

/** Share of tickets per category. */
export const CATEGORY_WEIGHTS: Record<Category, number> = {
  facility_management: 0.4,
  technical_it: 0.37,
  services_complaints: 0.23,
};
