"""Names and phrases for the demo borough.

Everything here is fictional: the borough, its places, people and organisations.
Texts are templates with `{slots}` that `villagehall.demo.texts` fills from the
neighbourhood a post is in, so the same sentence reads differently street to street.
The tone is the one Village Hall asks of its people: plain, calm, neighbourly.
"""

FIRST_NAMES = [
    "Aisha", "Alan", "Alice", "Amara", "Amir", "Andy", "Angela", "Anil", "Ann", "Aoife",
    "Barbara", "Ben", "Beth", "Bilal", "Bridget", "Callum", "Carol", "Chloe", "Chris", "Claire",
    "Colin", "Craig", "Dan", "Danielle", "Dave", "Deepa", "Dennis", "Dev", "Dominika", "Dylan",
    "Eileen", "Ellie", "Emeka", "Emma", "Ewa", "Farah", "Fatima", "Fiona", "Gareth", "Gemma",
    "Grace", "Hannah", "Harry", "Hassan", "Helen", "Ian", "Imran", "Isla", "Jack", "Jade",
    "James", "Jan", "Janet", "Jas", "Jenny", "Joan", "Jon", "Joseph", "Josh", "Kate",
    "Keith", "Kemi", "Kevin", "Kiran", "Laura", "Lee", "Leon", "Lily", "Linda", "Liam",
    "Lucy", "Maggie", "Marcus", "Margaret", "Mark", "Maryam", "Megan", "Mel", "Mike", "Mo",
    "Nadia", "Naomi", "Neil", "Niamh", "Nick", "Nkechi", "Olivia", "Omar", "Pat", "Paul",
    "Pete", "Phil", "Precious", "Rachel", "Raj", "Rebecca", "Rhys", "Rob", "Ruth", "Ryan",
    "Saima", "Sally", "Sam", "Sandra", "Sarah", "Sean", "Shaun", "Simon", "Sophie", "Stella",
    "Steve", "Sue", "Tariq", "Tom", "Tony", "Tracey", "Usha", "Val", "Wendy", "Yusuf", "Zainab", "Zoe",
]

SURNAMES = [
    "Adeyemi", "Ahmed", "Ali", "Allen", "Armstrong", "Atkinson", "Bailey", "Baker", "Banks", "Barker",
    "Begum", "Bell", "Bennett", "Bibi", "Bird", "Booth", "Bradley", "Brennan", "Brown", "Burke",
    "Campbell", "Carter", "Chapman", "Chaudhry", "Clarke", "Coleman", "Collins", "Cooper", "Cox", "Dale",
    "Davies", "Dixon", "Doherty", "Edwards", "Evans", "Fisher", "Fletcher", "Foster", "Fraser", "Gallagher",
    "Gill", "Gordon", "Graham", "Green", "Griffiths", "Hall", "Harris", "Hart", "Hughes", "Hussain",
    "Iqbal", "Jackson", "James", "Jones", "Kaur", "Kelly", "Khan", "King", "Kowalski", "Lewis",
    "Lloyd", "Lynch", "Malik", "Marsh", "Martin", "Mason", "McCarthy", "Mensah", "Miah", "Mills",
    "Mitchell", "Moore", "Morgan", "Murphy", "Nowak", "Nwosu", "O'Brien", "Okafor", "Owen", "Palmer",
    "Parker", "Patel", "Pearce", "Phillips", "Price", "Quinn", "Rahman", "Reid", "Roberts", "Robinson",
    "Rose", "Shah", "Sharma", "Singh", "Smith", "Stewart", "Taylor", "Thomas", "Turner", "Walker",
    "Walsh", "Ward", "Watson", "White", "Williams", "Wilson", "Wood", "Wright", "Young", "Zielinski",
]

# The six neighbourhoods of the default borough, in the order their service plans are
# laid out: (name, population, IMD decile, description).
BOROUGH_NEIGHBOURHOODS = [
    ("Millbrook", 11_400, 4,
     "Victorian terraces either side of the brook, the old mill and a busy high street."),
    ("Kestrel Fields", 9_800, 1,
     "A 1960s estate on the east side, with the Kestrel Centre and its library at its heart."),
    ("Old Wharf", 7_200, 2,
     "Canal-side terraces and new flats around the old wharf and the boatyard."),
    ("St Aidan's", 8_600, 6,
     "Semis and allotments around St Aidan's church, the primary school and the rec."),
    ("Hollins Park", 12_900, 8,
     "Family homes round the big park, with its lake, café and bowling green."),
    ("Ashby Green", 6_100, 10,
     "A village on the edge of the borough: a green, a pub, a shop and a lot of footpaths."),
]

# More places for the city-sized data set, put together from these parts.
PLACE_STARTS = [
    "Ash", "Birch", "Brook", "Castle", "Church", "Cole", "Dale", "Elm", "Fair", "Fern",
    "Fox", "Glen", "Hare", "Hazel", "High", "Holly", "Kings", "Lark", "Long", "Moor",
    "Nether", "Oak", "Orchard", "Priory", "Queens", "Raven", "Rose", "Sand", "Spring", "Stone",
    "Swan", "Thorn", "Water", "West", "Whit", "Wood", "Wren", "Yew", "Marsh", "Bramble",
]
PLACE_ENDS = ["field", "ley", "bury", "ton", "wick", "ford", "dale", "gate", "hill", "side", "worth", "stead"]
PLACE_DESCRIPTIONS = [
    "Terraced streets, a parade of shops and a park that everyone uses.",
    "A post-war estate with a community centre, a health centre and a lot of green space.",
    "New-build homes around a converted mill, still finding its feet as a community.",
    "An old village swallowed by the city, with its church, its green and its pub.",
    "Tower blocks and maisonettes, a busy market and a strong residents' association.",
    "Semis and bungalows, allotments and a well-loved library.",
]

STREET_STARTS = [
    "Mill", "Church", "Station", "Chapel", "Victoria", "Albert", "Elm", "Oak", "Cedar", "Willow",
    "Meadow", "Brook", "Bridge", "Park", "Kings", "Queens", "Granby", "Tanners", "Ropewalk", "Foundry",
    "Canal", "Wharf", "School", "Orchard", "Hawthorn", "Beech", "Sycamore", "Rowan", "Clifton", "Prospect",
    "Nelson", "Wellington", "Derby", "Cromwell", "Lime", "Holly", "Hazel", "Poplar", "Ashby", "Kestrel",
]
STREET_ENDS = ["Road", "Street", "Lane", "Close", "Avenue", "Way", "Terrace", "Crescent", "Grove", "Walk"]
PARK_NAMES = ["{start} Park", "{start} Rec", "{start} Green", "{start} Fields", "{start} Gardens", "the {start} Woods"]
VENUE_NAMES = [
    "{place} Community Centre", "St {saint}'s Church Hall", "the {place} Methodist Hall",
    "the Scout Hut on {street}", "the {pub}", "{place} Library", "the Family Hub on {street}",
]
SAINTS = ["Aidan", "Mary", "Peter", "John", "Michael", "Anne", "Luke", "Barnabas", "Hilda", "Chad"]
PUBS = ["Red Lion", "Wheatsheaf", "Boat Inn", "Royal Oak", "Plough", "Kings Arms", "Bell"]
SCHOOL_NAMES = ["{start} Primary School", "St {saint}'s Primary", "{place} Academy"]
BLOCK_NAMES = ["{start} House", "{start} Court", "{surname} Tower", "{start} Point"]
SHOP_NAMES = ["the Co-op on {street}", "the chemist on {street}", "the bakery on {street}", "the post office"]

DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
TIMES = ["9.30am", "10am", "10.30am", "11am", "1pm", "2pm", "3.30pm", "6pm", "6.30pm", "7pm"]
SMALL_NUMBERS = ["two", "three", "four", "five", "six", "a dozen", "twenty"]
GIVEAWAY_ITEMS = [
    "a pushchair", "a bag of children's clothes (age 3-4)", "a working fridge", "some garden tools",
    "spare tomato plants", "a box of paperbacks", "a single bed frame", "jigsaw puzzles",
    "a microwave", "two dining chairs", "a child's bike", "knitting wool", "a sewing machine",
    "plant pots", "a guinea pig hutch", "school uniform for St Aidan's",
]
BUS_ROUTES = ["4", "7", "12", "23", "36", "X9"]
TRIPS = ["the coast", "the climbing wall", "the Peak District", "a football match", "the city museum"]

# Council services: (slug, name, description, officer titles).
SERVICES = [
    ("parks", "Parks and Open Spaces",
     "Parks, play areas, green spaces and the volunteers who help look after them.",
     ["Parks officer", "Park ranger", "Parks team leader", "Community gardener"]),
    ("housing", "Housing",
     "Council homes, repairs, tenancy support and help with housing problems.",
     ["Housing officer", "Tenancy sustainment officer", "Repairs coordinator"]),
    ("libraries", "Libraries",
     "Libraries, reading, homework clubs, computers and help to get online.",
     ["Library manager", "Library assistant", "Digital inclusion officer"]),
    ("waste", "Waste and Recycling",
     "Bin collections, recycling, bulky waste and tackling fly-tipping.",
     ["Waste and recycling officer", "Recycling adviser", "Street scene officer"]),
    ("highways", "Highways",
     "Roads, pavements, street lights, crossings and road safety.",
     ["Highways inspector", "Road safety officer", "Street lighting engineer"]),
    ("adult-social-care", "Adult Social Care",
     "Care and support for adults and their carers.",
     ["Social worker", "Occupational therapist", "Carers' support officer"]),
    ("youth", "Youth Services",
     "Youth clubs, activities and support for young people aged 11 to 19.",
     ["Youth worker", "Senior youth worker", "Detached youth worker"]),
    ("planning", "Planning",
     "Planning applications, the local plan and neighbourhood planning.",
     ["Planning officer", "Senior planner", "Policy planner"]),
]

VOLUNTARY_ORGS = [
    ("Brackenford Food Bank", "Emergency food parcels and advice, with a team of volunteers."),
    ("Brackenford Community Transport", "Minibuses and volunteer drivers for people who can't use buses."),
    ("Brackenford Carers' Network", "Support, breaks and a friendly ear for unpaid carers."),
    ("Brackenford Volunteer Centre", "Matching volunteers with groups and charities across the borough."),
    ("Riverside Advice Centre", "Free, confidential advice on money, benefits, debt and housing."),
    ("Brackenford Youth Trust", "Mentoring, sport and arts for young people."),
    ("Brackenford Wildlife Trust", "Looking after local nature reserves, with volunteers."),
    ("Brackenford Digital Inclusion Project", "Help with phones, tablets and getting online, in person."),
    ("Brackenford Befriending Scheme", "Volunteers who visit and phone people who are lonely."),
    ("Brackenford Arts Collective", "Community art, murals and workshops in local spaces."),
    ("Brackenford Refugee Welcome", "Friendship, English conversation and practical help for newcomers."),
    ("Brackenford Credit Union", "Savings and fair loans, run by and for local people."),
]
VOLUNTARY_ROLES = ["Volunteer coordinator", "Project worker", "Trustee", "Volunteer", "Outreach worker"]

# Community groups, named after the place they call home.
GROUP_NAMES = [
    ("{place} Community Garden", "We grow vegetables and flowers together; no experience needed."),
    ("Friends of {park}", "Looking after {park}, with the council's parks team."),
    ("{place} Residents' Association", "Residents working together on what matters round here."),
    ("{place} Knit and Natter", "Knitting, crochet, tea and a good chat."),
    ("{place} Walking Group", "Gentle walks at an easy pace, with a café stop."),
    ("{street} Street Group", "Neighbours on {street} and the roads nearby."),
    ("{place} Community Choir", "No auditions, no reading music: just come and sing."),
    ("{place} Repair Café", "Bring broken things and we'll try to mend them with you."),
    ("{place} Toddler Group", "Play, songs and a cuppa for little ones and their grown-ups."),
    ("{place} Allotment Society", "Plot holders sharing seeds, tools and advice."),
    ("{place} Running Club", "Friendly runs for all speeds, twice a week."),
    ("{place} Men's Shed", "A workshop and a place to talk, for men of all ages."),
    ("{place} Youth Football", "Football for under-9s to under-16s, boys and girls."),
    ("{place} History Society", "Old photos, stories and walks about the history of the area."),
    ("{place} Food Pantry", "Low-cost groceries for members, run by volunteers."),
    ("{place} Book Club", "One book a month and a friendly discussion."),
    ("{place} Litter Heroes", "Monthly litter picks and keeping our streets tidy."),
    ("{place} Parents' Network", "Parents swapping tips, clothes and babysitting."),
]
ORGANISER_TITLES = ["Organiser", "Chair", "Coordinator", "Secretary"]

# Closing lines for a post, by kind.
CLOSINGS = {
    "question": ["Thanks in advance.", "Any pointers welcome.", "Does anyone know?", ""],
    "request": ["Any help would be really appreciated.", "Thank you.", ""],
    "offer": ["Message me if you'd like it.", "First come, first served.", "Happy to drop it round nearby.", ""],
    "idea": ["What do you think?", "Would anyone be up for this?", "Keen to hear what people think.", ""],
    "announcement": ["All welcome.", "Everyone welcome, no need to book.", "Do come along.", ""],
    "update": ["Thanks, everyone.", ""],
    "blog": [""],
}




def _post(kind, titles, bodies, *, replies=(), answers=()):
    """A kind of post: its titles, the sentences its body is made of, the comments it
    draws from neighbours (`replies`) and, for a service's post, the officer's
    replies to those (`answers`)."""
    return {"kind": kind, "titles": titles, "bodies": bodies, "replies": replies, "answers": answers}


def _topic(key, posts, *, services=None):
    """Something neighbours talk about. `services` maps a council service to what it
    might say if it joined in."""
    return {"key": key, "posts": posts, "services": services or {}}


COMMUNITY_TOPICS = [
    _topic("litter-pick", [
        _post("announcement", ["Litter pick on {street} this {day}", "Monthly litter pick: all welcome",
                               "Spring clean of {park} on {day}"],
              ["We're meeting at {time} by the gates of {park}.",
               "Gloves, pickers and bags are provided, so just bring yourself.",
               "Children are welcome with a grown-up.", "We'll finish with a cup of tea at {venue}.",
               "The worst bit is the path behind {street}, so we'll start there."],
              replies=["I'll be there with the kids.", "Can't make this one but thank you for doing it.",
                       "Is it OK to bring a dog?", "The alley behind {street} could do with some attention too."]),
        _post("update", ["Thank you to everyone at the litter pick", "{number} bags collected round {park}"],
              ["We filled {number} bags in under two hours.", "Special thanks to the children from {school}.",
               "The strangest find was a garden gnome, now rehomed.",
               "Next one is on the first Saturday of the month."],
              replies=["Well done all, it looks so much better.", "Sorry I missed it, I'll come next time.",
                       "Thank you for doing this."]),
    ], services={
        "parks": ["Parks team here: we can lend pickers, gloves and bags. Let us know numbers by {day}.",
                  "Thanks for doing this. We'll make sure the bins at {park} are emptied afterwards."],
        "waste": ["Waste team here: leave the full bags by the gate and we'll collect them on Monday."],
    }),
    _topic("lost-pet", [
        _post("request", ["Has anyone seen a grey cat near {street}?", "Missing: small grey cat, {street} area"],
              ["She's small, grey with white paws, and a bit shy.", "She didn't come in for her tea last night.",
               "Please could you check sheds and garages if you're nearby?",
               "She's microchipped and the vet on {street} knows to look out for her."],
              replies=["I'll check our shed tonight.", "Shared with the {street} group.",
                       "I think I saw a cat like that near {shop} yesterday evening.",
                       "Fingers crossed she turns up soon."]),
        _post("request", ["Lost dog in {park}"],
              ["He slipped his lead near the pond this morning.", "He's a brown terrier called Biscuit.",
               "He's friendly but nervous, so please message rather than chase him.",
               "We'll be walking round {park} again this evening."],
              replies=["I'll keep an eye out on my walk.", "Shared with the dog walkers' group.",
                       "I think I saw him by the bandstand about an hour ago.", "Hope he's home soon."]),
        _post("update", ["Our cat is home, thank you all", "Found: a young tabby on {street}"],
              ["Thank you to everyone who looked and shared.", "She was shut in a garage three doors down.",
               "If she's yours, message me and describe her collar.", "She's safe and fed and in our kitchen for now."],
              replies=["So glad she's home.", "Brilliant news.", "I'll share this in case she's a neighbour's."]),
    ], services={"parks": ["We'll ask the rangers to keep an eye out on their rounds at {park}."]}),
    _topic("coffee-morning", [
        _post("announcement", ["Coffee morning at {venue} on {day}", "Cake sale for the hospice this {day}"],
              ["Doors open at {time}.", "There will be cakes, a raffle and a lot of tea.",
               "All money raised goes to the hospice.",
               "If you can bake something, please drop it off at {venue} the evening before.",
               "There's step-free access through the side door."],
              replies=["I'll bring a lemon drizzle.", "See you there!", "Is there anything gluten-free?",
                       "Can I pay by card?"]),
        _post("update", ["We raised over £300 at the coffee morning", "Thank you for all the cakes"],
              ["What a morning: we sold out by eleven.", "Thank you to everyone who baked, served and washed up.",
               "The raffle alone raised £80.", "We'll do it again in the spring."],
              replies=["Well done everyone, what a total.", "The coffee and walnut was amazing.",
                       "Count me in for baking next time."]),
    ]),
    _topic("street-party", [
        _post("idea", ["A street party on {street} this summer?", "Shall we have a play street on {street}?"],
              ["A few of us have been talking about a street party in July.",
               "Everyone brings a dish and a chair.",
               "It would be a good way to meet the new families on the street.",
               "We'd need to close the road for the afternoon."],
              replies=["Count us in.", "We can lend a gazebo.", "Love this. The kids would be thrilled.",
                       "Who do we ask about closing the road?"]),
        _post("announcement", ["{street} street party: {day} from {time}"],
              ["The road will be closed from noon.", "Bring a dish to share and a chair.",
               "There will be games for the children and music later on.", "Please move cars by 11am."],
              replies=["Can't wait.", "We'll bring the bunting.", "Is there anything you still need?"]),
    ], services={"highways": ["Road closures for street parties are free: I can help with the form.",
                              "Highways here: the road closure is approved, signs will be dropped off on Friday."]}),
    _topic("community-garden", [
        _post("update", ["Seedlings ready at the community garden", "What's growing in the planters on {street}"],
              ["The beans are up and the strawberries are nearly ready.",
               "Everything we grow is shared with the food pantry.",
               "The new raised beds are working well.", "Thank you to whoever left the spare compost."],
              replies=["The planters look lovely this year.", "Could I come and see?", "Lovely to see."]),
        _post("request", ["Volunteers wanted for the {park} planters", "Watering rota for August"],
              ["We need a few more people for the watering rota while people are away.",
               "We meet every {day} at {time}; come for half an hour or the whole morning.",
               "No experience needed: we'll show you what to do."],
              replies=["I could do Tuesday evenings.", "Happy to help with watering.",
                       "Could I come along with my two?"]),
        _post("offer", ["Spare courgette plants to give away", "Free seeds at the community garden"],
              ["We sowed far too many this year.", "Help yourself from the table by the gate.",
               "Pots back afterwards if you can."],
              replies=["Thank you, I'll pop by.", "Are there any tomatoes left?", "What a kind offer."]),
    ], services={"parks": ["We'd be glad to help with this: we can drop off wood chip and compost.",
                           "Parks can lend tools for the season. Message me."]}),
    _topic("lifts-and-buses", [
        _post("question", ["Is the {bus} still running on Sundays?", "Best way to get to the hospital without a car?"],
              ["The timetable on the stop by {shop} has been torn off.", "I've got an appointment on Sunday at {time}.",
               "The app says one thing and the stop says another."],
              replies=["The {bus} goes every half hour on Sundays now.",
                       "Community Transport do hospital runs, worth a call.", "I get the {bus}, it's fine on Sundays."]),
        _post("request", ["Lift to the hospital on {day}?", "Anyone driving to the retail park on {day}?"],
              ["I've got an appointment at {time} and the buses don't line up.", "Happy to chip in for petrol.",
               "I can walk to the end of {street}."],
              replies=["I can take you if it's after {time}.", "Community Transport might help, worth a call.",
                       "I'm going that way on {day}, message me."]),
        _post("offer", ["Lift to the big supermarket on Thursdays"],
              ["I go every week and have room for two, with shopping.", "I leave from {street} at {time}.",
               "No need to pay, the company is nice."],
              replies=["I'd love a lift, thank you.", "What a kind offer.", "Could you fit a shopping trolley?"]),
    ]),
    _topic("giving-away", [
        _post("offer", ["Free to a good home: {item}", "Giving away {item}", "{item}, free, collect from {street}"],
              ["It's in good condition, we just don't need it any more.", "Collect from {street}.",
               "It would be lovely if it went to someone nearby.", "Free, of course."],
              replies=["Is it still available?", "Could I take this? I'm on {street}.", "What a kind offer.",
                       "Yes please, if nobody else has asked."]),
    ]),
    _topic("warm-space", [
        _post("announcement", ["Warm space at {venue} every {day}", "Free soup and a warm room on {day}s"],
              ["There's tea, coffee, soup and somewhere comfortable to sit.",
               "It's open from {time}, and there's wifi and phone charging.",
               "Nobody will ask why you've come: just come.",
               "Volunteers from the Befriending Scheme will be there for a chat."],
              replies=["This is a lifeline for my mum, thank you.", "Is it open over Christmas?",
                       "I can volunteer on {day}s.", "Shared with our street group."]),
    ], services={"libraries": ["{library} is a warm space too, every day it's open, with free wifi."],
                 "housing": ["If anyone is worried about heating bills, we're at {venue} on {day}s and can help."]}),
    _topic("repair-cafe", [
        _post("announcement", ["Repair café at {venue}: bring your broken toaster", "Repair café this {day}"],
              ["Bring anything broken: lamps, clothes, bikes, toys.",
               "Our volunteers will try to fix it with you, for free.",
               "We start at {time} and take the last repairs an hour before we close."],
              replies=["Can you fix a vacuum cleaner?", "What a great idea.", "I can help with sewing repairs."]),
        _post("update", ["{number} things mended at the repair café"],
              ["A radio, two lamps, a coat and a lot of bikes.", "Thank you to our fixers.",
               "That's a lot less going in the bin."],
              replies=["My radio works again thanks to you.", "Brilliant, well done all."]),
    ], services={"waste": ["Waste team here: we'd be glad to bring a recycling stall next time."]}),
    _topic("books", [
        _post("update", ["New book swap box outside {venue}"],
              ["Take a book, leave a book.", "We've got crime, romance, cookery and lots for children.",
               "The box is dry and checked every week."],
              replies=["Lovely idea.", "I'll drop some off this week.", "My daughter loves this."]),
        _post("idea", ["A little free library on {street}?"],
              ["I've seen them in other places and they're lovely.", "I'd build the box if someone has a spot.",
               "It would need someone to keep it tidy."],
              replies=["Love this. We have space by our front wall.", "I'd help keep it stocked.",
                       "Good idea."]),
        _post("offer", ["Box of children's books to give away"],
              ["Mostly picture books and early readers.", "All in good condition.", "Collect from {street}."],
              replies=["Yes please, for my grandson.", "Could I take a few for the toddler group?"]),
    ], services={"libraries": ["{library} would be glad to take any spare books for the swap shelf too.",
                               "We can help spread the word at {library}."]}),
    _topic("clubs", [
        _post("announcement", ["New members welcome at the {place} choir", "Walking group: {day} mornings",
                               "Knit and natter at {venue} on {day}"],
              ["We meet at {venue} at {time}.", "All ages and abilities welcome.",
               "It's free, though a donation for tea is welcome.",
               "It's a good way to meet people if you're new to the area."],
              replies=["I'd like to come along. Do I need to bring anything?", "How long are the walks?",
                       "I've been going for a year and love it.", "See you on {day}."]),
    ], services={"libraries": ["If you ever need a room, {library} has one free for community groups."]}),
    _topic("food-bank", [
        _post("request", ["Food bank running low on tinned veg and coffee", "Volunteers needed at the food bank"],
              ["The shelves are low after a busy month.",
               "We most need tinned vegetables, coffee, long-life milk and toiletries.",
               "Donations can be left at {venue} or the collection point at {shop}.",
               "We also need drivers on {day} mornings."],
              replies=["I'll drop some in on {day}.", "Can you take fresh food?", "Shared at work.",
                       "I can drive on {day}s."]),
        _post("update", ["What the food bank needs this week"],
              ["Thank you for last week's donations.", "This week: pasta sauce, tinned fish and nappies (size 4).",
               "Please check dates before donating."],
              replies=["Will drop some off tomorrow.", "Thanks for the list, it helps."]),
    ], services={"housing": ["If anyone is behind with rent, please talk to us early: there is help."]}),
    _topic("good-neighbours", [
        _post("request", ["Help with shopping for an older neighbour", "Could someone help my dad with his garden?"],
              ["She's on {street} and can't get out much since her fall.",
               "It would only be once a week.", "He's very independent but the hedge has beaten him."],
              replies=["I'm close by and could help on {day}s.", "The Befriending Scheme may be able to help too.",
                       "Message me, I'm round the corner."]),
        _post("offer", ["Dog walking on weekday mornings", "I can help with forms and letters"],
              ["I'm retired and have time on my hands.", "Happy to do this for free, it's nice to be useful.",
               "I live on {street}."],
              replies=["What a kind thing to do.", "My neighbour could do with this, I'll tell her.",
                       "Thank you for offering."]),
    ]),
    _topic("local-history", [
        _post("question", ["Does anyone remember the cinema on {street}?", "Who was {street} named after?"],
              ["My grandad used to talk about it.", "I've always wondered.", "There's nothing about it online."],
              replies=["I remember it! It closed in the seventies.", "My nan worked there.",
                       "The library has a local studies collection."]),
        _post("update", ["Old photos of {street} from the 1950s"],
              ["I found these in a box at my mum's.", "It's amazing how little has changed.",
               "The History Society would love copies."],
              replies=["Wonderful photos, thank you for sharing.", "That's my grandparents' shop!",
                       "Please do send them to the History Society."]),
    ], services={"libraries": ["{library} keeps the local studies collection: we'd love copies of these."]}),
    _topic("school", [
        _post("announcement", ["{school} summer fair on {day}", "Uniform swap at {school}"],
              ["There will be a tombola, a bouncy castle and a cake stall.", "Starts at {time} in the playground.",
               "Money raised goes to new library books."],
              replies=["We'll be there.", "Thanks for organising.", "Can I drop things off before then?"]),
        _post("question", ["Any tips for the school admissions form?"],
              ["It's our first time and it's a bit confusing.", "We're on {street}, between two catchments."],
              replies=["The school office were really helpful when we asked.",
                       "Put all the schools you'd be happy with.", "The deadline is mid-January."]),
    ], services={"youth": ["Youth Services run a free homework club at {venue} on {day}s, if that helps."]}),
    _topic("new-on-the-street", [
        _post("update", ["New café opening on {street}", "The bakery on {street} has reopened"],
              ["It's run by a local couple and does a good breakfast.", "It's great to see the shop open again.",
               "They're doing a pay-it-forward coffee board."],
              replies=["Good coffee too.", "Lovely people.", "I'll pop in this week."]),
        _post("question", ["Just moved to {place}: what should we know?"],
              ["We moved here last month and are still finding our way around.",
               "Any tips on the best park for small children?", "We have a dog and two small children."],
              replies=["Welcome! {park} is the best for little ones.", "The choir is very welcoming.",
                       "Try the market on {day}s."]),
    ], services={"parks": ["Welcome to {place}! {park} has a new play area, and there's a volunteer morning most months."]}),
    _topic("trees-and-verges", [
        _post("idea", ["Fruit trees along {street}?", "Could we plant bulbs on the verges?"],
              ["It's just grass at the moment and gets cut a lot.",
               "Other places have done it and it looks lovely in spring.",
               "Our street group would water them in the first summer.", "It would be good for the bees."],
              replies=["Great idea, I'd help plant.", "Apple trees would be lovely.",
                       "Check there are no cables underneath first."]),
    ], services={"parks": ["We'd love to help with this. We can supply bulbs if the street group plants them."],
                 "highways": ["Highways here: planting on verges is fine, we just need to check for cables first."]}),
    _topic("speeding", [
        _post("question", ["Speeding on {street}: what can we do?"],
              ["Cars come round the corner by {school} far too fast.", "It's worst at school drop-off.",
               "I'd like to know what the options are before we start a petition."],
              replies=["It's been bad for years.", "A crossing would help a lot.", "Same problem on our road."]),
        _post("idea", ["A community speed watch for {street}?"],
              ["A few of us would be willing to help.", "Other villages do it with the police.",
               "It's about making drivers think, not catching them."],
              replies=["I'd join a speed watch.", "Good idea, count me in."]),
    ], services={"highways": ["We've added {street} to the next speed survey and will share the results here."]}),
    _topic("teenagers", [
        _post("question", ["Somewhere for teenagers to go on Friday nights?"],
              ["My son is fourteen and there's nothing for him round here.", "They just end up at the shops.",
               "He'd go to something with football or music."],
              replies=["The youth club used to be brilliant.", "My daughter would love this too.",
                       "Let's ask the young people what they want."]),
        _post("idea", ["A mural by young people on the underpass?"],
              ["The underpass by {street} is grim and could be brightened up.",
               "The young people I know have great ideas if someone listens.",
               "The Arts Collective might be interested."],
              replies=["Happy to help with paint.", "Brilliant idea.", "The Arts Collective did one in town."]),
    ], services={"youth": ["We'd love to get young people involved in this. Come and see us at the youth centre."]}),
]

# What residents ask of, or suggest to, a council service ("Ask Parks"), with what the
# service says when it answers.
SERVICE_ASKS = {
    "parks": [
        _post("question", ["When will the swings at {park} be fixed?"],
              ["One of the swings has been taped off for three weeks.", "The children keep asking."],
              answers=["Sorry for the wait. The new chains are in and we'll fit them on {day}.",
                       "The part is on order; I'll post here when it's fixed."]),
        _post("question", ["Can we hold a picnic in {park} without booking?"],
              ["It would be about twenty people, family and neighbours.", "No music, just food and games."],
              answers=["Yes, no need to book for a picnic that size. Enjoy it!",
                       "Of course. Please use the bins or take rubbish home."]),
        _post("request", ["Bins overflowing at {park}", "Broken glass near the play area in {park}"],
              ["It's been like this since the weekend.", "Families use it every day."],
              answers=["Thanks for letting us know. The team will be there this afternoon.",
                       "Cleared this morning. Thanks for reporting it."]),
        _post("request", ["Fallen branch across the path in {park}"],
              ["It came down in the wind last night.", "You can get round it but not with a pushchair."],
              answers=["Thanks. Our tree team will clear it by the end of the day.",
                       "Logged: it's on today's list."]),
        _post("idea", ["A wildflower meadow at {park}?", "A community orchard in {park}"],
              ["The far corner is hardly used.", "A few of us would help plant and look after it."],
              answers=["We'd love to talk about this. Could you come to the volunteer morning on {day}?",
                       "Good idea: we have a small budget for planting this autumn. Let's meet."]),
    ],
    "housing": [
        _post("question", ["Who do I speak to about damp in my flat?"],
              ["There's black mould in the bedroom again.", "I've got a little one and I'm worried."],
              answers=["Sorry to hear this. Please message me your address and we'll book an inspection this week.",
                       "We take damp seriously: a surveyor can visit within five working days."]),
        _post("question", ["Is there help with heating bills this winter?"],
              ["Our bills have doubled.", "I don't know what I'm entitled to."],
              answers=["Yes. The drop-in at {venue} on {day}s can go through what's available with you.",
                       "There's a hardship fund: call us or come to the drop-in and we'll help you apply."]),
        _post("request", ["Lift out of order at {block}", "Communal lights not working on {street}"],
              ["It's been out since Friday.", "There are older residents on the top floors."],
              answers=["The engineer is booked for tomorrow morning. Sorry for the trouble.",
                       "Raised as urgent; I'll update here when it's fixed."]),
        _post("idea", ["A tenants' garden behind {block}?"],
              ["The grass behind the block is never used.", "A few of us would like to grow vegetables."],
              answers=["We'd support this. There's a small grant for tenants' projects: let's talk."]),
    ],
    "libraries": [
        _post("question", ["Is the homework club still running at {library}?"],
              ["My daughter is in Year 7.", "We went last year and it helped a lot."],
              answers=["Yes: every {day} from 3.30pm, and it's free.", "It is, Tuesdays and Thursdays after school."]),
        _post("question", ["Can I print documents at {library}?"],
              ["I need to print a form for a job application.", "I don't have a printer at home."],
              answers=["Yes: up to twenty pages a week free with your library card.",
                       "You can, and staff can help you if you need it."]),
        _post("idea", ["A seed library at {library}?", "Could {library} open later on Thursdays?"],
              ["Other libraries do it.", "It would help people who work during the day."],
              answers=["We'd love to try that. Let's talk about it at {library}.",
                       "Thanks for the suggestion: we're asking users about opening hours this month."]),
    ],
    "waste": [
        _post("request", ["Missed bin collection on {street}"],
              ["The blue bins weren't emptied on our side of the road.", "They were out by 7am."],
              answers=["Sorry about that; the crew will come back for them tomorrow.",
                       "Logged: they'll be emptied by the end of the day."]),
        _post("request", ["Fly-tipping behind the shops on {street}"],
              ["A mattress and a pile of bags.", "It's been there since the weekend."],
              answers=["Thanks: the fly-tipping team will clear it this week.", "Cleared this morning. Thank you."]),
        _post("question", ["What can go in the blue bin?"],
              ["I always get this wrong.", "The leaflet has gone missing."],
              answers=["Paper, card, cans, tins and plastic bottles go in the blue bin. Glass goes in the box."]),
        _post("question", ["When does the garden waste collection start again?"],
              ["The brown bin is full already.", "The leaflet has gone missing."],
              answers=["Garden waste collections start again in the first week of March."]),
    ],
    "highways": [
        _post("question", ["When will the pothole on {street} be filled?"],
              ["It's getting bigger every week.", "Cyclists are swerving round it."],
              answers=["Thanks: an inspector will look at it within five working days.",
                       "It's on the list for the next round of repairs."]),
        _post("request", ["Street light out on {street}", "Pavement lifted outside {shop}"],
              ["It's very dark walking home.", "Someone nearly tripped yesterday."],
              answers=["Reported to our contractor; it should be fixed within a week.",
                       "Thanks: we'll make it safe today and repair it properly later."]),
        _post("idea", ["20mph on {street}?", "Could we have a crossing near {school}?"],
              ["It's a rat run at school time.", "Lots of children cross here."],
              answers=["We'll add this to the road safety review and let you know the outcome."]),
    ],
    "adult-social-care": [
        _post("question", ["How do I ask for a care assessment for my dad?", "Who can fit grab rails in a bathroom?"],
              ["He's struggling with the stairs since his operation.", "We don't know where to start."],
              answers=["Please call us and we'll talk it through."]),
        _post("question", ["Is there any help for carers in {place}?"],
              ["I look after my husband full time.", "I could do with a break now and then."],
              answers=["There is: call us and ask for a carer's assessment."]),
    ],
    "youth": [
        _post("question", ["Is the youth club open over half term?", "Anything for teenagers on Friday nights?"],
              ["My son is thirteen and bored.", "Something with sport would be ideal."],
              answers=["Yes, Monday to Thursday over half term, 2pm to 6pm.",
                       "Friday football at {school} starts again next month."]),
        _post("idea", ["A skate park in {park}?"],
              ["Young people skate in the car park because there's nowhere else.",
               "Other towns have small ones that work well."],
              answers=["Come and see us at the youth centre on {day}: we'd love to hear what young people want."]),
    ],
    "planning": [
        _post("question", ["What's happening with the empty site on {street}?"],
              ["It's been boarded up for two years.", "There are rumours about flats."],
              answers=["The site has outline permission; a detailed application is expected later this year.",
                       "Thank you. This site is in the draft plan, and your comments will be considered."]),
        _post("question", ["How do I comment on a planning application?"],
              ["There's a notice on a lamppost on {street}.", "I'm not against it, I just have a question."],
              answers=["You can comment online or in writing to the planning team; both count the same."]),
        _post("idea", ["Could the old depot on {street} become homes?"],
              ["It's been empty for years.", "We need homes young people can afford."],
              answers=["Thank you for your comments. Every response is being read and will be summarised in the consultation report."]),
    ],
}

# What a service posts in a neighbourhood. Planning posts only its consultation:
# the announcement when it opens and a reminder before it closes.
SERVICE_POSTS = {
    "parks": [
        _post("update", ["Grass cutting at {park} this week"],
              ["We'll be cutting on {day}, weather permitting.", "We're leaving the far edge long for the wildflowers."],
              replies=["Thanks for leaving the wildflowers.", "Could you cut the path to the school too?"],
              answers=["Yes, we'll do the school path on the same day."]),
        _post("update", ["New play equipment going in at {park}"],
              ["The new swings and a roundabout go in next week.", "The play area will be closed for three days.",
               "Thanks to everyone who told us what they wanted."],
              replies=["The kids are so excited.", "Will there be anything for toddlers?"],
              answers=["Yes, there's a toddler swing and a small slide."]),
        _post("announcement", ["Volunteer morning at {park} on {day}", "Bulb planting at {park}: come along"],
              ["We'll meet at the main gate at {time}.", "Tools, gloves and refreshments provided.",
               "All ages welcome; children with a grown-up."],
              replies=["Is it suitable for children?", "Count me in.", "Do I need to bring anything?"],
              answers=["Yes, children are very welcome with a grown-up.", "Just yourself and sensible shoes."]),
        _post("question", ["What would you like to see at {park}?"],
              ["We have a little money to spend this year.", "Tell us here, or come and find us on {day}."],
              replies=["More benches, please.", "A water fountain would be great.", "Better lighting on the path."],
              answers=["Thanks, that's useful. Benches come up a lot.", "Noted. I'll take it back to the team."]),
        _post("offer", ["Free wood chip for allotments and gardens"],
              ["We've got a big pile from the winter tree work.", "Bring bags and help yourself at the depot."],
              replies=["Brilliant, thank you.", "Is it there at weekends?"],
              answers=["Yes, the depot yard is open Saturday mornings."]),
    ],
    "housing": [
        _post("announcement", ["Estate walkabout on {street} on {day}"],
              ["We'll be walking round with the caretaker from {time}.", "Show us what needs fixing.",
               "Tenants' reps are welcome to join us."],
              replies=["I'll come along.", "Will someone look at the drying area?"],
              answers=["Yes, it's on our list for the walk."]),
        _post("announcement", ["Repairs drop-in at {venue} every {day}", "Help with energy bills: drop-in at {venue}"],
              ["You don't need an appointment.", "Bring any repairs you're waiting on and we'll chase them there and then.",
               "Bring a recent bill if you have one."],
              replies=["Is it every week?", "Thank you, I'll come."],
              answers=["Every week, apart from bank holidays."]),
        _post("update", ["Lift repairs at {block}: what's happening"],
              ["The new motor arrives next week.", "We know how hard this has been, especially for older residents.",
               "Our team can help with shopping in the meantime."],
              replies=["Thank you for the update.", "Can someone help my neighbour on the 9th floor?"],
              answers=["Yes. Please message me her flat number."]),
    ],
    "libraries": [
        _post("announcement", ["Rhyme time at {library} on {day} mornings", "Homework club at {library} on {day}s"],
              ["It's free and there's no need to book.", "Children and their grown-ups very welcome.",
               "We start at {time}."],
              replies=["Is it suitable for babies?", "We love rhyme time."],
              answers=["Yes, babies are very welcome."]),
        _post("announcement", ["Free help with phones and tablets at {library}"],
              ["Our digital volunteers can help with email, video calls and online forms.",
               "Bring your own device, or use one of ours.", "Every {day} from {time}."],
              replies=["Can they help with online banking?", "My mum would love this."],
              answers=["Yes, they can show you how to bank safely online."]),
        _post("update", ["New: borrow a laptop from {library}", "Summer reading challenge is back"],
              ["You can borrow a laptop for up to three weeks.", "All you need is a library card.",
               "Children who finish get a medal and a certificate."],
              replies=["Great idea.", "How do I join the library?"],
              answers=["Just come in with something that shows your address."]),
    ],
    "waste": [
        _post("announcement", ["Bin collections over the bank holiday"],
              ["Collections will be a day later than usual all week.", "Please have your bins out by 7am."],
              replies=["Thanks for letting us know."], answers=["You're welcome."]),
        _post("update", ["Collection day changes on {street} and nearby", "Where your recycling goes"],
              ["From next month your collection moves to {day}.",
               "Food waste goes to make energy and fertiliser.", "Every household will get a letter too."],
              replies=["Will the garden waste day change too?", "Interesting, thank you."],
              answers=["No, garden waste stays the same."]),
        _post("offer", ["Free compost bins for the first fifty households", "Food waste caddies: free from {library}"],
              ["Just bring proof of address.", "While stocks last."],
              replies=["Brilliant, I'll pick one up.", "Can I get one delivered?"],
              answers=["Yes, if you can't get out, message me and we'll deliver."]),
    ],
    "highways": [
        _post("update", ["Resurfacing {street} from {day}", "Gully cleaning in {place} this week"],
              ["Work will take about three days, weather permitting.",
               "Parking will be suspended on one side while the work is done.",
               "Thanks for reporting the problems that led to this."],
              replies=["About time, thank you.", "Will the pavement be done too?"],
              answers=["Not this time, but it's on next year's list."]),
        _post("announcement", ["Road closure on {street} for repairs"],
              ["The road will be closed from 9am to 4pm.", "Pedestrian access will be kept open.",
               "Buses will be diverted."],
              replies=["Thanks for the warning."], answers=["You're welcome."]),
    ],
    "youth": [
        _post("announcement", ["Friday night football at {school}", "Youth drop-in at {venue} on {day} evenings"],
              ["Free for anyone aged 11 to 19.", "Parents are welcome to come and meet the team.",
               "Young people planned this one themselves."],
              replies=["My son will be there.", "What time does it finish?"],
              answers=["It finishes at 9pm.", "Great, see him there."]),
        _post("update", ["Youth club trip to {trip}", "What young people told us this term"],
              ["Thanks to everyone who came.", "They want more sport, more music and somewhere to just be.",
               "We'll be planning the next term with them."],
              replies=["Looked like a great day.", "Thank you for listening to them."],
              answers=["Thank you. They're brilliant to work with."]),
    ],
    "planning": [
        _post("announcement", ["Have your say: the draft plan for {place}"],
              ["The draft plan sets out where new homes, shops and green spaces could go over the next fifteen years.",
               "Read the draft, come to the drop-in at {venue}, or post your comments here.",
               "Paper copies and comment forms are at the library.",
               "We will reply to the questions raised when the consultation closes."],
              replies=["Why are we only hearing about this now?", "What happens to the green by {street}?",
                       "Will there be more school places?", "I'd like to see more affordable homes."],
              answers=["Thank you for your comments. Every response is being read and will be summarised in the consultation report.",
                       "We've noted this for the final version of the plan."]),
        _post("update", ["Draft plan for {place}: the consultation closes on {day}"],
              ["There is still time to comment.", "Thank you to everyone who has taken part so far."],
              replies=["Will we hear what happens next?"],
              answers=["Yes, we will publish a summary of what we heard."]),
    ],
    "adult-social-care": [],
}

SERVICE_BLOG_TITLES = [
    "What a year of Saturday mornings taught us", "Why we now answer questions in the open",
    "Working with residents rather than for them", "Three things we changed after listening",
    "Notes from the estate walkabouts", "What we got wrong, and what we're doing about it",
]
SERVICE_BLOG_PARAGRAPHS = [
    "When we started posting here we weren't sure anyone would read it. A year on, most of the questions we get come through neighbours who already know each other.",
    "The biggest change has been small: turning up at the same time every week. People stopped seeing us as a visit and started treating us as part of the place.",
    "Not everything worked. The evening sessions were quiet, and we've moved them to Saturday mornings, which is when people said they were free.",
    "Answering in public means everyone can see the answer, and the next person doesn't have to ask. It has also made us quicker.",
    "Some of the best ideas came from people who have lived here for decades. Some came from children.",
    "If you work for another council and want to try this, start small: one officer, one neighbourhood, every week.",
    "We'd like to thank the groups who gave up their time to show us round and tell us what we were missing.",
]

# Comments that fit any post of a kind, and replies that fit most comments.
KIND_COMMENTS = {
    "question": ["Good question, I'd like to know too.", "Someone asked this last month; I think the answer was yes.",
                 "Try asking at {venue}, they usually know.", "Following, as I was wondering the same."],
    "request": ["Happy to help. Where should I meet you?", "Sharing this with our street group.",
                "I've got a spare hour on {day} afternoon: message me."],
    "offer": ["What a lovely thing to do.", "Thank you for offering."],
    "idea": ["Love this idea. Count me in.", "Good idea. Who would look after it?",
             "Worth raising at the residents' meeting at {venue}."],
    "update": ["Thanks for letting us know.", "Good to hear.", "That's great news for {place}.",
               "Thanks for the update."],
    "announcement": ["See you there!", "Can't make this one, but hope it goes well.",
                     "Is there step-free access at {venue}?", "Thanks for organising."],
    "blog": ["Useful read, thank you.", "This matches what we've seen at {venue}.", "Thanks for writing this up.",
             "Would be good to hear how this goes next year."],
}
# Neighbours on a service's own post, when nothing more particular fits.
SERVICE_POST_COMMENTS = ["Thanks for letting us know.", "Thanks for the update.", "Good to know.",
                         "Useful, thank you.", "Thanks, I'll pass this on to my neighbours."]
# Neighbours chiming in on something asked of a service, by the kind of post.
ASK_COMMENTS = {
    "question": ["Good question, I'd like to know too.", "I've wondered about this too.", "Following."],
    "request": ["Thanks for raising this.", "I noticed this too.", "It's been like this for a while.",
                "Hope they sort it soon.", "Same problem near us."],
    "idea": ["Great idea.", "I'd support this.", "Count me in if it goes ahead.", "Yes please."],
}
REPLIES = ["Thanks, that's helpful.", "Same here.", "Good to know.", "I'll pass that on.", "Agreed.",
           "Good point.", "I'll message you.", "Thanks for checking.", "Yes, me too."]
THANKS_TO_SERVICE = ["Thank you, that's really helpful.", "Thanks for getting back so quickly.", "Much appreciated.",
                     "Thanks, I'll look out for it."]
SERVICE_FOLLOW_UPS = ["You're welcome.", "You're welcome. Shout if it happens again.", "Glad to help.",
                      "Any time. Let us know if there's anything else."]
STILL_WAITING = ["Any news on this?", "Still waiting to hear back.", "Has anyone had an answer about this?"]
AUTHOR_THANKS = ["Thanks, everyone.", "Thank you all, this is really helpful.", "Thank you!"]
OFFICER_REPLIES = ["Thanks, that's useful to know.", "Noted, thank you. We'll look at it when we're next there.",
                   "That's a fair point. I'll take it back to the team."]

# Topics that voluntary organisations post about in a neighbourhood.
VOLUNTARY_TOPICS = ("food-bank", "warm-space", "good-neighbours", "lifts-and-buses", "repair-cafe", "clubs")

# How often residents address each service, before a neighbourhood's own needs.
ASK_WEIGHTS = {
    "parks": 3.0, "highways": 3.0, "waste": 2.5, "housing": 2.0, "libraries": 1.2, "youth": 0.8,
    "adult-social-care": 0.8, "planning": 1.0,
}

# The long threads the benchmarks need.
LONG_THREADS = [
    _post("idea", ["Should {street} close to through traffic?"],
          ["The council is asking whether {street} should close to through traffic outside school hours.",
           "Some of us think it would make the street safer and quieter; others worry about deliveries and visitors.",
           "Please keep it civil: we're all neighbours."],
          replies=["I'm for it: the school run is dangerous.", "I'm against: my mum relies on her carer driving up.",
                   "What about deliveries?", "Could it be just at school times?", "Other towns have done it well.",
                   "Please think about disabled drivers.", "I'd like to see the traffic figures first."]),
    _post("question", ["Best fish and chips in {place}?"],
          ["We've got family visiting and want to treat them.", "Where do people recommend?"],
          replies=["The one on {street}, no question.", "Try the van at the market on {day}s.",
                   "Get the mushy peas.", "Avoid Mondays, they're closed."]),
]
