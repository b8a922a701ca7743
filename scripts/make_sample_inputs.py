"""Write the binary and generated files of synth's demo study, sample_inputs/.

The study is fictional: customers of "Basketful", an online grocery delivery
service, written for the project. Plain-text transcripts (.txt, .vtt, .md) are
kept in sample_inputs/ as written; this script (re)writes the rest:

- interview_08_rev.docx: Rev/Otter-like export, a "Name (hh:mm:ss):"
  paragraph before each turn's text paragraph;
- interview_09_notes.docx: bold speaker-name runs followed by the text in
  the same paragraph;
- survey/basketful_customer_survey_2026.csv: a Google Forms export of 180
  respondents, drawn with a fixed seed from hand-written answer pools per
  customer kind so that segments hang together.

Same script, same bytes: every random draw uses SEED, the .docx core
properties and zip entry times are fixed.

Usage: python scripts/make_sample_inputs.py [OUTPUT_DIR]   (default: sample_inputs/)
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import sys
import zipfile
from pathlib import Path

import docx
from docx.shared import Pt

SEED = 20260301
FIXED_TIME = dt.datetime(2026, 3, 20, 9, 30, 0)
ZIP_TIME = (2026, 3, 20, 9, 30, 0)
ROOT = Path(__file__).resolve().parents[1]

# ---------------------------------------------------------------- transcripts
# A turn starts with "I: " (interviewer) or "P: " (participant); a line that
# starts with neither continues the turn above it.

EILEEN_TURNS = """\
I: Thank you for having me, Mrs Murphy. Are you comfortable? We can stop whenever you like.
P: I'm grand, thank you. And it's Eileen, please, Eileen Murphy. Mrs Murphy was my mother-in-law. (laughs)
I: Eileen, then. Could you tell me a little about yourself?
P: I'm seventy-seven. I came over from Cork when I was nineteen and I've been in this house forty years. I was a
nurse, then a ward sister. My husband died in 2018, so I live on my own now. I've a daughter, Sarah, she's in
Bristol, and a son in Canada. Sarah's the one who got me onto the Basketful.
I: How did that happen?
P: It was the lockdown. Sarah rang me and said, "Mam, you're not to go to the shops, you're in the at-risk
group". And I said, well, how am I to eat? And she said she'd sort it. She set the whole thing up from Bristol,
on her own computer, and had it sent to me. For the first few months she did every order for me. I'd ring her on
a Sunday and read her my list down the phone.
I: When did you start doing the orders yourself?
P: About a year later. Sarah came up for a week at Christmas and she sat with me at the laptop and showed me,
and she wrote it all down in a notebook, step by step. "Press the green button. Then press Checkout." I still
have the notebook. I wasn't going to keep bothering her every week. She has her own life, and the children.
I: What was it like doing it on your own the first time?
P: Oh, I was nervous. My heart was going. I had the notebook open beside me and my glasses on and I went very
slowly. And it worked! The shopping came on the Tuesday and I rang Sarah and said, "I did it!", like a child.
(laughs) I was very proud of myself, I won't lie.
I: What was hard about it?
P: The password, first of all. Sarah had made the password, and she'd written it in the notebook, but then at
some point it asked me to change it, and I did, and I wrote the new one on a bit of paper, and then I lost the
paper. So I had to do the "forgot password". And now they send a code to your mobile phone as well, a text, six
numbers, and by the time I've found my phone and my glasses, the code has run out. It says "this code has
expired". That has happened to me, oh, four or five times. I get so flustered.
I: That sounds really stressful.
P: It is. You feel like a fool, you know. You feel like everyone else can do it and you're the silly old woman
who can't. I rang the helpline once in tears, I'm not ashamed to say. I'd been trying for an hour.
I: What happened on that call?
P: The girl was lovely. Her name was, ah, I don't remember, but she was Scottish. She said, "Don't you worry,
Eileen, I'll send you a new code now and I'll stay on the line". And she did. She waited while I found my phone.
She said lots of people have trouble with the codes. That made me feel better, that it wasn't only me. She put a
note on my account, she said, so they know to be patient with me. I gave her my mobile number again, 07700
900461, to check they had it right, and they did.
I: How do you order now, which device do you use?
P: The laptop, on the kitchen table. Sarah gave me her old one. I can't do it on the phone, my fingers are too
big for the little buttons and I can't see the print. The laptop I have the writing made bigger. But then the
page moves about. When you go to pay, the "confirm" button, it's down at the very bottom, and there's all sorts
in the way, and sometimes there's another button that looks the same, "add more items", and I've pressed that
instead and gone all the way back to the start. It's very confusing at the end.
I: How often do you order?
P: Every week. Monday evening I do the order and it comes Tuesday afternoon. I have my favourites, Sarah set up
the favourites for me, so mostly I just tick the things. Milk, bread, my porridge, a bit of fish, fruit, the tea
bags, the Irish butter, they do the proper one. Sometimes a little treat. It's about forty, fifty pounds a week.
I: How do you feel about the deliveries themselves?
P: The drivers are good lads. The website tells you the driver's name in the morning, and there's a photo, which
I like, because you know who's coming. I'd never open the door to a stranger otherwise. They carry it into the
hall for me. One of them, he noticed I'd ordered the wrong milk one week, the skimmed, and he said "you always
have the full fat, do you want me to see if there's one on the van?". Now that's service.
I: Have you had problems with the orders?
P: The odd thing missing. They send you an email about the changes, the substitutions, but I don't always see
the email until after. I don't check my emails every day. So I'm unpacking and thinking, where's my fish? And
then I see the email. I'd rather the driver told me at the door. Some of them do, to be fair.
I: How do you feel about the cost of it all?
P: Well, I'm on my pension, so I do watch it. The delivery is three pounds something on a Tuesday afternoon,
which I think is fair for what it saves me. A taxi to the big shop and back would be twelve pounds. What I don't
like is when the price in the shop on the computer goes up and down. One week the butter's one price and the
next week it's a different price, and I can't keep track of it. In the shop you'd see the label. And I don't
understand the "member price" that's crossed out, is that what I pay or not? I asked Sarah, and she said that's
only for the Plus people. Well, why show it to me then?
I: Do you ever look at the offers?
P: Sometimes. If there's a good offer on the tea bags I'll get two boxes. But the offers page goes on and on,
pictures everywhere, I get lost in it. I stick to my list.
I: Have you ever used the chat on the website?
P: No, no. There's a little box pops up in the corner, "Can I help?", and I always close it. I don't know who's
in there. Is it a real person or a computer? I'd rather ring. When I ring, I know I'm talking to a person.
Although the waiting, you do wait a long time some days, listening to that music. Twenty minutes sometimes.
I: What about Basketful Plus, the loyalty scheme?
P: Sarah said not to bother with it. She said it's for people who order a lot of different times. I don't really
know what it is. It comes up on the screen, "Join Plus", and I press "no thanks", if I can find it.
I: Would you recommend Basketful to other people?
P: I have, to my friend Nora from the day centre. But I told her, you'll need someone to set it up for you. I
couldn't have started it on my own. Once it's going, it's grand. But the starting is hard for people our age.
And the passwords. Honestly, if they could get rid of the passwords I'd give them ten out of ten.
I: What does Basketful mean for you, overall?
P: It means I can stay in my own house. That's the truth of it. Sarah wanted me to move down to Bristol after
the lockdown, near her, and I said no, I'm managing fine. And I am managing, and part of that is the shopping
coming to the door. I'm not a burden to anyone. That's very important to me. I'm independent.
I: If you could change one thing, what would it be?
P: Make the codes last longer. Five minutes is no good to me. Give me half an hour. And make the writing bigger
on the checkout, and put the button where I can find it. Big and green, "pay now", at the top. That's all I
want.
I: Thank you so much, Eileen. This has been really helpful.
P: You're very welcome. Would you like a cup of tea before you go?
"""

RACHEL_TURNS = """\
I: Thanks for fitting this in, Rachel. I know you've just come off a shift.
P: That's all right, I'm running on coffee. (laughs) If I start talking nonsense, just stop me.
I: Could you start by telling me a bit about yourself?
P: Yeah, so I'm thirty-five, I'm a nurse on a children's ward, I do a mix of days and nights. I live with my
partner, Jamie, and we've got two little ones, a two-year-old and a baby who's seven months. So life is, um, a
lot at the moment.
I: How long have you been using Basketful?
P: Since I was pregnant with the first one, so, about three years? Early 2023.
I: How did you first hear about it?
P: Through a mums' group on Facebook, a local one. Someone asked, "which delivery is best for early mornings?",
because a lot of us were on maternity leave or doing shifts, and loads of people said Basketful because they do
a seven till nine am slot. And a girl I work with also used it. So it was kind of recommended to me twice in the
same week, which made me think, okay, I'll try it.
I: Did you compare it with other options?
P: I did, but mainly on slots, not on price. I checked three: the big supermarket, Basketful, and the one that's
part of the discount supermarket that does delivery in some areas, but they didn't deliver to us. And the big
supermarket only had slots from ten am. When you've just done a night shift, you want the shopping to come at
seven thirty, you put it away, and then you go to bed. A ten till twelve slot is useless to me, I'm asleep. So
it was the early slot that won it.
I: What was your first order like?
P: It was really easy, actually. I did it on the app on my iPhone, I was lying on the sofa, heavily pregnant.
(laughs) I built the basket in maybe twenty minutes, it was a small shop. Paid with Apple Pay, which is so
quick. And it arrived at seven forty the next morning. I was genuinely delighted. I remember texting Jamie,
"this is the future".
I: And setting up the app and account?
P: Fine. Quick. The only thing was the delivery notes. I put "please don't ring the bell, knock quietly",
because Jamie was on nights then too, and that's, um, a note I've kept ever since because of the baby. And about
half the drivers still ring the bell. Every time it wakes the baby, and then it's game over. That's probably my
most frequent annoyance, honestly. Small thing, but when the baby's just gone down, I could scream.
I: What does a typical week of ordering look like now?
P: So we do a main order every week, usually for the morning after my last night shift, and sometimes a second
little one if we run out of nappies or formula. I use the app every time. I've got favourites set up, the
nappies in the right size, the formula, the pouches for the toddler. Jamie adds stuff through my login, which
isn't ideal, he once ordered six cucumbers instead of one. (laughs) I pay for Basketful Plus, because we order
more than once a week some weeks, and the free delivery makes the second order basically free.
I: What would life look like without it?
P: Honestly? Dragging a toddler and a baby round a supermarket after a night shift. No thanks. (laughs) It's not
just the time in the shop, it's the mental load. I can do the order at three in the morning on my break, or
while I'm feeding the baby at night, on my phone with one hand. It's one less thing to think about. The
favourites and the "buy it again" button mean I'm not remembering every single thing we need. It saves me maybe
three hours a week, and those three hours are, like, sleep. Or actually seeing my kids.
I: Does the price matter much to you?
P: It matters, we're on a budget with me part-time, but it's not the main thing. I'll pay a bit more for the
convenience. I do look at the offers on nappies because they're so expensive, and if Basketful's price is way
higher than the big supermarket I'll notice. But I'm not hunting for promo codes or anything, I don't have the
energy for that.
I: How are the substitutions for you?
P: Mostly fine, but there's one that really upset me. The formula. They substituted the baby's formula, stage
one, with a stage two of a different brand. You can't do that with babies. Different formula can upset their
tummies and stage two isn't for under six months, and she was four months at the time. I only caught it because
I'm a nurse and I read the tin. I was so angry. I actually sat in the kitchen and cried, partly tiredness, but
partly just, like, how did that get past anybody?
I: What did you do?
P: I contacted them through the chat. It was order number 451907, I still remember it because I had to type it
about four times. The chat bot asked me to choose from a list, "damaged", "missing", "wrong item", and I picked
wrong item, and it offered me a refund of the formula. I didn't want a refund, I wanted someone to know it was
dangerous. So I kept typing "I need to speak to someone" until I got a person. She was really apologetic and
said she'd report it, and they gave me a ten pound goodwill voucher. And since then I've noticed you can't
substitute formula any more, there's a little note saying "we won't substitute baby milk". So I like to think
that was me. (laughs)
I: How did that experience leave you feeling about Basketful?
P: Shaken, at the time. I almost left. Jamie said, "let's just go to the big supermarket", but then we'd lose
the early slot, and honestly, I didn't have the energy to switch. And then when I saw the formula change, I felt
like they'd listened. That made a big difference. I'd probably have left if they hadn't changed anything.
I: Have you had other problems?
P: Missing items now and again, nappies once, which is the one thing you really can't run out of. And the slots.
The seven till nine slot on a Saturday and Sunday goes really fast. With Plus you get priority, and to be fair
that does usually work for me, I can normally get a weekday early slot. Weekends are harder. I set a reminder on
my phone for when the slots open.
I: How do you find the notifications and emails?
P: The notifications are useful, actually. I get "your driver is on the way" and "your order has substitutions,
tap to review", and you can reject a substitution right there in the app before the driver even arrives, which
is great. The emails I mostly ignore. There's a lot of recipe emails. I don't have time to cook a recipe, I'm
feeding a toddler fish fingers. (laughs)
I: Have you ever phoned customer support?
P: Once, about a delivery that hadn't turned up and it was nappies and formula, so it was urgent. The chat said
the wait was an hour, so I phoned instead. It was about fifteen minutes on hold, and then they sorted a
redelivery in the afternoon. That was fine. I think phone is better when it's urgent, chat is better when it can
wait.
I: How likely would you be to recommend Basketful?
P: I'd say eight. I have recommended it loads, in the mums' group, to people at work. Especially people on
shifts, I always say "get the early slot, it changes your life". I'd say nine if the drivers read the notes.
(laughs) And if Jamie could have his own login.
I: What would make you leave?
P: If they stopped the early slots, I'd go. That's the whole reason I'm there. Or another formula thing. That's
my line. Everything else I can live with.
I: If you could change one thing, what would it be?
P: Make the delivery notes more obvious for the drivers. Like, a big banner on their screen saying "don't ring
the bell, baby sleeping". And a family account, so Jamie can have his own login and I can see what he's added.
I: That's brilliant, thank you Rachel. Go and get some sleep.
P: (laughs) I will, thank you.
"""

# --------------------------------------------------------------------- survey

COLUMNS = (
    "Timestamp",
    "Email Address",
    "What is your age?",
    "Which best describes your household?",
    "How often do you order from Basketful?",
    "Which device do you use most often to order?",
    "Which Basketful features do you use? (tick all that apply)",
    "How likely are you to recommend Basketful to a friend or colleague?",
    "Overall, how satisfied are you with Basketful?",
    "What is the main reason you use Basketful?",
    "What is the most frustrating thing about ordering with Basketful?",
)
AGES = ("18-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+")
HOUSEHOLDS = ("Live alone", "Couple, no children at home", "Family with children", "Shared house or flat")
FREQUENCIES = ("Weekly", "Fortnightly", "Monthly", "Rarely (less than once a month)")
DEVICES = ("iOS app (iPhone / iPad)", "Android app", "Website on a laptop or computer", "Website on a phone")
FEATURES = ("Delivery slots", "Click & collect", "Substitutions", "Basketful Plus", "Favourites list", "Promo codes")
SATISFACTION = (
    "Very dissatisfied", "Dissatisfied", "Neither satisfied nor dissatisfied", "Satisfied", "Very satisfied",
)

# Respondents per customer kind (sums to 178; the 2 test rows make 180).
KIND_COUNTS = {"family": 61, "budget": 52, "older": 40, "local": 25}

CLOSED = {
    "family": {
        "age": (0, 30, 55, 15, 0, 0, 0),
        "household": (0, 4, 95, 1),
        "frequency": (75, 20, 5, 0),
        "device": (50, 40, 5, 5),
        "features": (0.95, 0.08, 0.7, 0.6, 0.8, 0.25),
        "nps": (1, 1, 2, 3, 4, 7, 10, 16, 22, 16, 9),
    },
    "budget": {
        "age": (68, 32, 0, 0, 0, 0, 0),
        "household": (20, 10, 0, 70),
        "frequency": (5, 20, 45, 30),
        "device": (35, 45, 5, 15),
        "features": (0.7, 0.35, 0.3, 0.05, 0.3, 0.9),
        "nps": (2, 2, 4, 6, 8, 12, 15, 18, 15, 8, 4),
    },
    "older": {
        "age": (0, 0, 0, 0, 15, 55, 30),
        "household": (55, 45, 0, 0),
        "frequency": (55, 35, 10, 0),
        "device": (8, 7, 78, 7),
        "features": (0.95, 0.03, 0.4, 0.1, 0.6, 0.05),
        "nps": (1, 1, 1, 2, 3, 5, 6, 10, 18, 22, 24),
    },
    "local": {
        "age": (0, 25, 35, 25, 15, 0, 0),
        "household": (20, 60, 20, 0),
        "frequency": (20, 55, 25, 0),
        "device": (15, 15, 40, 30),
        "features": (0.5, 0.7, 0.15, 0.15, 0.6, 0.15),
        "nps": (1, 1, 2, 3, 5, 8, 12, 18, 20, 12, 8),
    },
}

REASON_POOLS = {
    "family": (
        "Saves me hours every week with the kids",
        "Time. Two kids and two jobs, I can't face the supermarket on a Saturday",
        "I can do the big weekly shop on my phone after the kids are in bed",
        "Convenience, the rebook last order button makes the weekly shop take 10 mins",
        "Dragging three children round a supermarket is my idea of hell",
        "Evening delivery slots that fit round work and school runs",
        "Weekly family shop without having to go out",
        "We don't have a car and I have a toddler and a baby",
        "Meal planning is easier when I can see everything in my basket and favourites",
        "free delivery with Plus and it turns up on a Sunday evening",
        "Shift work, the early morning slots mean I can put it away before bed",
        "the favourites list, I just tick everything off for the week",
        "It's the only way I get any time back at the weekend",
        "so I dont have to carry 8 pints of milk and nappies home",
    ),
    "budget": (
        "Promo codes honestly",
        "Cheaper than the other delivery apps when there's a code",
        "Big house shop once a month so we don't have to carry it all back",
        "Referral credit and vouchers",
        "only when theres a discount code, otherwise I go to the discount supermarket",
        "Its cheaper than FreshDrop for a proper shop",
        "Heavy stuff like loo roll and tins, we split it between the house",
        "No car and the nearest big supermarket is 2 buses away",
        "The student offers on Instagram",
        "Cheap delivery slots on weekday afternoons",
        "I work long hours and don't have time to go to a shop",
        "The app is easy and I can see the price of everything as I go",
        "good own brand prices",
        "they keep sending me 15% off codes so I keep ordering",
    ),
    "older": (
        "I can no longer carry heavy shopping home.",
        "Since lockdown I have had my shopping delivered and I have carried on.",
        "Independence. I do not want to rely on my family for my shopping.",
        "My husband is disabled and I cannot leave him for long.",
        "The drivers are very kind and bring the bags into the kitchen.",
        "I do not drive any more and the bus is difficult with bags.",
        "It was recommended by my daughter during the pandemic.",
        "Convenient, reliable, and the same slot every week.",
        "Mobility problems, I use a walking frame.",
        "I can order from my own table at my own pace",
        "Shielding in 2020 and never went back to the shops",
        "My son set it up for me and it works well",
        "I can not stand for long in queues",
        "Reliable service and polite drivers.",
    ),
    "local": (
        "The local and seasonal range from farms near us",
        "Local produce without driving round three farm shops",
        "Good quality meat and veg from local suppliers",
        "Bag free delivery and loose fruit and veg",
        "Click & collect on my way home by bike",
        "I want to support local farmers and bakers",
        "It's like a veg box but I get to choose",
        "Fewer car journeys, I collect from the collection point",
        "The cheese and eggs from the local dairy are excellent",
        "Better quality than the supermarket and you know where it comes from",
        "Seasonal veg and a smaller carbon footprint than driving to the big shop",
        "to buy from small producers rather than the big chains",
    ),
    "general": (
        "Convenience",
        "convenience",
        "Saves time",
        "Easy to use",
        "It's quick and the app is good",
        "Don't have to go out",
        "Delivery to my door",
        "Habit really",
    ),
}

FRUSTRATION_POOLS = {
    "family": (
        "Delivery slots are always full by {day}",
        "Substitutions. Gluten free items swapped for normal ones, which is not ok",
        "Missing items, usually milk or something the kids need for school",
        "Slots disappear while you're still checking out",
        "Priority slots with Plus don't seem to make any difference",
        "Only one login per account so my partner and I keep overwriting each other's basket",
        "Frozen food arriving half defrosted",
        "Too many push notifications about offers",
        "Drivers ringing the bell when the note says baby sleeping",
        "Finding out about substitutions only when the driver is at the door",
        "Chatbot goes round in circles when a whole bag is missing",
        "Weekend slots gone within hours of opening",
        "having to check every bag before the driver leaves",
        "They substituted baby formula with a different stage, dangerous",
    ),
    "budget": (
        "Delivery fee plus the service fee, it adds up",
        "£40 minimum basket is too much when you live alone",
        "Promo codes that don't apply at checkout",
        "Hidden fees you only see at the last step",
        "Being charged more for a substitute I didn't ask for",
        "Plus is too expensive if you only order once a month",
        "Can't split the payment between housemates",
        "Prices higher than the discount supermarket",
        "the delivery fee is like 10% of my shop",
        "Address lookup doesn't have my flat number",
        "Evening slots cost £5.99",
        "Cancelling the Plus free trial was deliberately hard to find",
        "Waiting 20+ mins in chat with no idea if anyone is there",
        "codes only work on first order",
    ),
    "older": (
        "Password resets. The email goes to my junk folder.",
        "The writing is too small.",
        "The checkout is confusing, too many boxes pop up.",
        "The security code they text me runs out before I can type it in.",
        "Long waits on the telephone line.",
        "The total at the end is different from the basket and I do not understand why.",
        "Being locked out of my account.",
        "I cannot find the button to confirm my order.",
        "Too many emails, I cannot tell which ones are genuine.",
        "The cookie box covers the buttons",
        "I don't trust the chat box, I prefer to speak to a person",
        "Substitutions I did not want, my husband is on a low salt diet",
        "Changing the password every few months",
        "nothing really, it is very good",
    ),
    "local": (
        "No filter for local produce, you have to scroll past the imported stuff",
        "Ordering loose veg and getting it in plastic bags anyway",
        "Substitutions ignore organic, I'd rather have nothing",
        "The local range is hard to find on the website",
        "Too much packaging",
        "Chilled lockers at the collection point are often full",
        "Template replies when you raise sustainability issues",
        "No green slots when a van is already on your street",
        "Offers push you towards imported products",
        "Local range prices creeping up",
        "Collection point closes early on Sundays",
        "Bag free delivery option is easy to miss at checkout",
    ),
    "general": (
        "Delivery slots",
        "Missing items",
        "Substitutions",
        "The app is slow sometimes",
        "Customer service",
        "Nothing major",
        "prices",
        "Delivery fee",
    ),
}

DAYS = ("Monday", "Tuesday", "Wednesday", "midweek", "Tuesday night", "Wednesday lunchtime")
PREFIXES = ("Mainly ", "Honestly ", "Mostly ", "Probably ", "Tbh ")
JOINERS = (". Also ", " and ", ", ", ". ")
EMPTY_REPLIES = ("n/a", "N/A", "None", "-", "nothing", "Nothing really")

FIRST_NAMES = (
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Sophie", "Grace", "Emily", "Lucy", "Hannah", "Chloe", "Zara",
    "Fatima", "Niamh", "Megan", "Ruth", "Joan", "Carol", "Linda", "Susan", "Anne", "Jean", "Helen", "Kate",
    "Oliver", "George", "Harry", "Jack", "Noah", "Leo", "Oscar", "Arthur", "Mohammed", "Ryan", "Kieran",
    "Ben", "Luke", "Adam", "Owen", "Ravi", "Tariq", "Peter", "John", "Keith", "Alan", "Derek", "Graham", "Colin",
)
LAST_NAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
    "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke", "Khan",
    "Ahmed", "Singh", "Begum", "Murray", "Kelly", "Reid", "Campbell", "Lewis", "Price", "Hughes", "Morgan",
)
DOMAINS = ("example.com", "example.net", "example.org")

# Rows whose open answers are fixed on purpose (index into the shuffled respondents).
SPECIAL_ANSWERS = {
    11: ("reason", "I donâ€™t drive and the bus to the big shop takes an hour each way"),
    37: (
        "frustration",
        "Still waiting on a refund for a missing bag, nobody has replied. "
        "Please contact me on jenny.r.moss@example.com",
    ),
    58: ("frustration", "Driver couldn't find the flat and left. Call me on 07700 900517 if you want the details"),
    96: ("frustration", "I rang the helpline from 07700 900238 three times about my password and was cut off twice"),
    140: (
        "frustration",
        "The driver was calling my old number 555-0176 from when I lived in the States, can't change it in the app",
    ),
}


def pick(rng: random.Random, options: tuple, weights: tuple) -> str:
    """One option drawn with the given weights."""
    return rng.choices(options, weights=weights, k=1)[0]


def draw_features(rng: random.Random, probabilities: tuple) -> str:
    """The ticked features, in form order, joined like a Google Forms export."""
    ticked = [name for name, p in zip(FEATURES, probabilities) if rng.random() < p]
    if not ticked:
        ticked = [FEATURES[max(range(len(FEATURES)), key=lambda i: probabilities[i])]]
    return ", ".join(ticked)


def satisfaction_for(rng: random.Random, nps: int) -> str:
    """A satisfaction level that tracks the recommend score, with some noise."""
    level = min(4, max(0, round(nps / 2.5) + rng.choice((-1, 0, 0, 0, 1))))
    return SATISFACTION[level]


def decapitalise(text: str) -> str:
    """Lower-case the first letter, except the pronoun "I"."""
    first = text.split(" ", 1)[0]
    return text if first == "I" or first.startswith("I'") else text[0].lower() + text[1:]


def vary_answer(rng: random.Random, text: str) -> str:
    """The small differences of typed answers: prefix, case, final full stop."""
    text = text.replace("{day}", rng.choice(DAYS))
    if rng.random() < 0.12:
        text = rng.choice(PREFIXES) + decapitalise(text)
    if rng.random() < 0.15:
        text = text.lower()
    if text.endswith(".") and rng.random() < 0.3:
        text = text[:-1]
    elif not text.endswith((".", "!", "?")) and rng.random() < 0.15:
        text += "."
    return text


def draw_open(rng: random.Random, pools: dict, kind: str, empty_rate: float) -> str:
    """An open answer from the respondent's kind (sometimes general, combined or empty)."""
    roll = rng.random()
    if roll < empty_rate:
        return ""
    if roll < empty_rate + 0.03:
        return rng.choice(EMPTY_REPLIES)
    pool = pools[kind] if rng.random() < 0.85 else pools["general"]
    first = rng.choice(pool)
    text = vary_answer(rng, first)
    if rng.random() < 0.18:
        second = rng.choice([answer for answer in pools[kind] if answer != first])
        extra, joiner = vary_answer(rng, second), rng.choice(JOINERS)
        extra = extra if joiner == ". " else decapitalise(extra)
        text = text.rstrip(".") + joiner + extra
    return text


def draw_closed(rng: random.Random, kind: str) -> dict:
    """Closed answers for one respondent; about 1 in 12 answers off-profile."""
    spec = dict(CLOSED[kind])
    if rng.random() < 0.08:
        other = rng.choice(sorted(set(CLOSED) - {kind}))
        field = rng.choice(("age", "household", "frequency", "device"))
        spec[field] = CLOSED[other][field]
    nps = int(pick(rng, tuple(range(11)), spec["nps"]))
    return {
        COLUMNS[2]: pick(rng, AGES, spec["age"]),
        COLUMNS[3]: pick(rng, HOUSEHOLDS, spec["household"]),
        COLUMNS[4]: pick(rng, FREQUENCIES, spec["frequency"]),
        COLUMNS[5]: pick(rng, DEVICES, spec["device"]),
        COLUMNS[6]: draw_features(rng, spec["features"]),
        COLUMNS[7]: str(nps),
        COLUMNS[8]: satisfaction_for(rng, nps),
    }


def make_emails(rng: random.Random, count: int) -> list[str]:
    """Distinct fictional addresses on reserved example domains."""
    emails: list[str] = []
    while len(emails) < count:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        style = rng.randrange(4)
        local = (
            f"{first}.{last}" if style == 0 else
            f"{first}{last}{rng.randrange(60, 100)}" if style == 1 else
            f"{first[0]}.{last}" if style == 2 else f"{first}_{last[:3]}{rng.randrange(1, 30)}"
        ).lower()
        email = f"{local}@{rng.choice(DOMAINS)}"
        if email not in emails:
            emails.append(email)
    return emails


def make_timestamps(rng: random.Random, count: int) -> list[str]:
    """Sorted response times over February 2026, UK Google Sheets format."""
    start = dt.datetime(2026, 2, 2)
    times = []
    for _ in range(count):
        day = rng.choices(range(26), weights=[max(1, 12 - d // 2) for d in range(26)], k=1)[0]
        seconds = int(rng.triangular(7 * 3600, 23.5 * 3600, 20 * 3600))
        times.append(start + dt.timedelta(days=day, seconds=seconds))
    return [t.strftime("%d/%m/%Y %H:%M:%S") for t in sorted(times)]


def make_test_rows() -> list[dict]:
    """The two rows the survey owner sent while testing the form, before launch."""
    rows = []
    for index, (stamp, reason) in enumerate((("30/01/2026 16:02:11", "test test"), ("30/01/2026 16:04:52", "test"))):
        rows.append({
            COLUMNS[0]: stamp, COLUMNS[1]: f"research.ops{index + 1}@example.com",
            COLUMNS[2]: AGES[2], COLUMNS[3]: HOUSEHOLDS[0], COLUMNS[4]: FREQUENCIES[0], COLUMNS[5]: DEVICES[2],
            COLUMNS[6]: FEATURES[0], COLUMNS[7]: "10", COLUMNS[8]: SATISFACTION[4],
            COLUMNS[9]: reason, COLUMNS[10]: "test test",
        })
    return rows


def make_survey_rows(seed: int = SEED) -> list[dict]:
    """All 180 rows, in timestamp order, as Google Forms would export them."""
    rng = random.Random(seed)
    kinds = [kind for kind, count in KIND_COUNTS.items() for _ in range(count)]
    rng.shuffle(kinds)
    emails, stamps = make_emails(rng, len(kinds)), make_timestamps(rng, len(kinds))
    rows = make_test_rows()
    for index, kind in enumerate(kinds):
        row = {COLUMNS[0]: stamps[index], COLUMNS[1]: emails[index], **draw_closed(rng, kind)}
        row[COLUMNS[9]] = draw_open(rng, REASON_POOLS, kind, empty_rate=0.04)
        row[COLUMNS[10]] = draw_open(rng, FRUSTRATION_POOLS, kind, empty_rate=0.08)
        if index in SPECIAL_ANSWERS:
            which, text = SPECIAL_ANSWERS[index]
            row[COLUMNS[9] if which == "reason" else COLUMNS[10]] = text
        rows.append(row)
    return rows


def write_survey(path: Path, rows: list[dict]) -> None:
    """The CSV as Google Sheets downloads it: UTF-8, no BOM, CRLF, minimal quoting."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue().encode("utf-8"))


# ----------------------------------------------------------------------- docx

def parse_turns(text: str, interviewer: str, participant: str) -> list[tuple[str, str]]:
    """(speaker, text) pairs from the "I: " / "P: " lines above."""
    turns: list[tuple[str, str]] = []
    for line in text.splitlines():
        if line.startswith(("I: ", "P: ")):
            turns.append((interviewer if line[0] == "I" else participant, line[3:]))
        else:
            speaker, words = turns[-1]
            turns[-1] = (speaker, f"{words} {line}")
    return turns


def time_turns(turns: list[tuple[str, str]], seed: int, start: float) -> list[float]:
    """Start time in seconds of each turn, from its length at a speaking pace."""
    rng = random.Random(seed)
    times, now = [], start
    for _, words in turns:
        times.append(now)
        now += len(words.split()) / 2.3 * rng.uniform(0.92, 1.12) + rng.uniform(0.8, 2.5)
    return times


def hms(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def new_document(title: str) -> docx.Document:
    """A blank document with fixed core properties (so its bytes are stable)."""
    document = docx.Document()
    props = document.core_properties
    props.author = "Basketful research team"
    props.last_modified_by = "Basketful research team"
    props.title = title
    props.comments = "Fictional study written for the synth project."
    props.created = props.modified = props.last_printed = FIXED_TIME
    props.revision = 1
    document.styles["Normal"].font.size = Pt(11)
    return document


def build_rev_docx() -> docx.Document:
    """Eileen's interview: a "Name (hh:mm:ss):" paragraph, then the text paragraph."""
    document = new_document("Basketful customer interview P08")
    document.add_heading("Basketful customer interview P08", level=1)
    document.add_paragraph(
        "Recorded 12 March 2026 at the participant's home. Transcript prepared by the research team."
    )
    turns = parse_turns(EILEEN_TURNS, "Interviewer", "Eileen Murphy")
    for (speaker, words), start in zip(turns, time_turns(turns, SEED + 8, 5.0)):
        document.add_paragraph(f"{speaker} ({hms(start)}):")
        document.add_paragraph(words)
    return document


def build_bold_docx() -> docx.Document:
    """Rachel's interview: a bold speaker run and the text in one paragraph."""
    document = new_document("Interview notes, Rachel")
    document.add_heading("Interview notes, Rachel (18 March 2026, by phone)", level=1)
    for speaker, words in parse_turns(RACHEL_TURNS, "Interviewer", "Rachel"):
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{speaker}:").bold = True
        paragraph.add_run(f" {words}")
    return document


def stable_docx_bytes(document: docx.Document) -> bytes:
    """The .docx bytes with every zip entry stamped with the same fixed time."""
    raw = io.BytesIO()
    document.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            entry = zipfile.ZipInfo(item.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(item.filename))
    return out.getvalue()


def write_all(out_dir: Path) -> list[Path]:
    """(Re)write the generated files under out_dir; returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, build in (("interview_08_rev.docx", build_rev_docx),
                        ("interview_09_notes.docx", build_bold_docx)):
        path = out_dir / name
        path.write_bytes(stable_docx_bytes(build()))
        written.append(path)
    survey = out_dir / "survey" / "basketful_customer_survey_2026.csv"
    write_survey(survey, make_survey_rows())
    return written + [survey]


def main(argv: list[str]) -> int:
    out_dir = Path(argv[1]) if len(argv) > 1 else ROOT / "sample_inputs"
    for path in write_all(out_dir):
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
