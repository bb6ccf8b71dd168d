"""Hand-written seed vocabulary for the WikiHow corpus: 2-level categories, topics, text pieces.

Everything here is original wording for this project. `generate.py` combines it with a seeded
random generator into a few thousand article stubs; nothing reads this module at run time.
"""

from __future__ import annotations

# top category -> subcategory -> topics (verb phrases in title case; "How to " is prepended)
CATEGORIES: dict[str, dict[str, list[str]]] = {
    "Cars and Other Vehicles": {
        "Car Maintenance": [
            "Check Tire Pressure", "Replace Windshield Wipers", "Jump Start a Car",
            "Change Engine Oil", "Clean Foggy Headlights", "Top Up Coolant",
            "Replace a Cabin Air Filter", "Fix a Squeaky Brake", "Rotate Car Tires",
            "Hide Dashboard Gauges",
        ],
        "Driving Techniques": [
            "Parallel Park", "Merge onto a Highway", "Drive in Snow", "Drive a Manual Car",
            "Back Out of a Parking Space", "Use Cruise Control", "Drive at Night",
            "Recover from a Skid", "Share the Road with Cyclists", "Prepare for a Road Test",
        ],
        "Bicycles": [
            "Fix a Flat Bike Tire", "Adjust Bike Brakes", "Clean a Bike Chain",
            "Raise a Bike Seat", "Shift Bike Gears", "Ride a Bike Uphill", "Lock a Bike Securely",
            "Pump Up a Bike Tire", "True a Bike Wheel", "Choose a Bike Helmet",
        ],
    },
    "Home and Garden": {
        "Cleaning": [
            "Clean a Microwave", "Remove Hard Water Stains", "Clean Tile Grout",
            "Descale a Kettle", "Clean a Dishwasher Filter", "Wash Window Screens",
            "Dust Ceiling Fans", "Clean a Shower Head", "Remove Soap Scum", "Deodorize a Carpet",
        ],
        "Gardening": [
            "Grow Basil Indoors", "Prune Tomato Plants", "Start a Compost Pile",
            "Repot a Houseplant", "Plant Tulip Bulbs", "Water Succulents", "Get Rid of Aphids",
            "Grow Strawberries in Pots", "Mulch a Flower Bed", "Divide Hostas",
        ],
        "Home Repair": [
            "Patch a Hole in Drywall", "Unclog a Drain", "Fix a Running Toilet",
            "Replace a Light Switch", "Caulk a Bathtub", "Fix a Squeaky Door",
            "Seal a Drafty Window", "Stop a Dripping Faucet", "Hang a Heavy Mirror",
            "Reset a Tripped Breaker",
        ],
    },
    "Food and Entertaining": {
        "Cooking Basics": [
            "Boil an Egg", "Cook Rice on the Stove", "Chop an Onion", "Sear a Steak",
            "Make a Roux", "Poach an Egg", "Roast Vegetables", "Cook Pasta Al Dente",
            "Caramelize Onions", "Steam Broccoli",
        ],
        "Baking": [
            "Bake Sourdough Bread", "Make Pie Crust", "Soften Butter Quickly", "Frost a Layer Cake",
            "Proof Yeast", "Bake Chocolate Chip Cookies", "Make Banana Bread", "Whip Egg Whites",
            "Grease a Baking Pan", "Tell When a Cake Is Done",
        ],
        "Drinks": [
            "Brew Pour Over Coffee", "Make Cold Brew", "Steep Green Tea",
            "Froth Milk Without a Frother", "Make Lemonade", "Make a Fruit Smoothie",
            "Make Iced Tea", "Brew Loose Leaf Tea", "Make Hot Chocolate", "Flavor Sparkling Water",
        ],
    },
    "Computers and Electronics": {
        "Software": [
            "Clear a Browser Cache", "Take a Screenshot", "Update a Graphics Driver",
            "Create a Zip File", "Change a Desktop Background", "Uninstall a Program",
            "Set Up Two Factor Authentication", "Find a Lost File", "Free Up Disk Space",
            "Create a Strong Password",
        ],
        "Phones": [
            "Back Up a Phone", "Transfer Photos to a Computer", "Extend Phone Battery Life",
            "Block a Phone Number", "Reset Network Settings", "Turn On Dark Mode",
            "Record a Phone Screen", "Clean a Phone Charging Port", "Set Up Voicemail",
            "Free Up Phone Storage",
        ],
        "Hardware": [
            "Clean a Keyboard", "Connect a Wireless Printer", "Replace a Laptop Battery",
            "Install More RAM", "Connect Two Monitors", "Fix a Sticky Mouse Wheel",
            "Calibrate a Monitor", "Reset a Router", "Build a Gaming PC", "Dust a Computer Case",
        ],
    },
    "Health": {
        "Fitness": [
            "Do a Push Up", "Hold a Plank", "Start Running", "Stretch Your Hamstrings",
            "Do a Squat", "Jump Rope", "Build a Home Workout", "Warm Up Before Exercise",
            "Do a Burpee", "Improve Your Posture",
        ],
        "Sleep": [
            "Fall Asleep Faster", "Stop Snoring", "Take a Power Nap", "Wake Up Early",
            "Make a Bedtime Routine", "Sleep on a Plane", "Beat Jet Lag", "Choose a Pillow",
            "Fix a Sleep Schedule", "Sleep in Hot Weather",
        ],
        "First Aid": [
            "Treat a Minor Burn", "Clean a Scrape", "Remove a Splinter", "Treat a Bee Sting",
            "Stop a Nosebleed", "Ice a Sprained Ankle", "Wrap a Bandage", "Treat a Blister",
            "Soothe a Sunburn", "Build a First Aid Kit",
        ],
    },
    "Hobbies and Crafts": {
        "Crafts": [
            "Make a Paper Crane", "Tie Dye a Shirt", "Make a Friendship Bracelet", "Make Slime",
            "Decorate a Glass Jar", "Make a Pinecone Bird Feeder", "Make Paper Mache",
            "Press Flowers", "Make a Dreamcatcher", "Make Soy Candles",
        ],
        "Needlework": [
            "Knit a Scarf", "Cast On Knitting", "Crochet a Granny Square", "Thread a Needle",
            "Sew a Button", "Hem Pants by Hand", "Cross Stitch", "Darn a Sock",
            "Use a Sewing Machine", "Embroider a Name",
        ],
        "Art": [
            "Draw a Face", "Shade with a Pencil", "Mix Paint Colors", "Paint with Watercolors",
            "Draw in Perspective", "Sketch Hands", "Stretch a Canvas", "Use Oil Pastels",
            "Draw a Tree", "Paint a Sunset",
        ],
    },
    "Pets and Animals": {
        "Dogs": [
            "Train a Puppy to Sit", "Trim Dog Nails", "Bathe a Dog", "Crate Train a Dog",
            "Stop a Dog from Barking", "Walk a Dog on a Leash", "Brush Dog Teeth",
            "Introduce Two Dogs", "Teach a Dog to Fetch", "Calm an Anxious Dog",
        ],
        "Cats": [
            "Litter Train a Kitten", "Give a Cat a Pill", "Stop a Cat Scratching Furniture",
            "Brush a Long Haired Cat", "Introduce a New Cat", "Play with a Cat", "Trim Cat Claws",
            "Keep a Cat Off Counters", "Choose Cat Food", "Bathe a Cat",
        ],
        "Small Pets": [
            "Care for a Hamster", "Set Up a Fish Tank", "Clean a Bird Cage", "Hold a Guinea Pig",
            "Feed a Rabbit", "Cycle an Aquarium", "Tame a Parakeet", "Build a Rabbit Hutch",
            "Care for a Betta Fish", "Trim Rabbit Nails",
        ],
    },
    "Finance and Business": {
        "Budgeting": [
            "Make a Monthly Budget", "Build an Emergency Fund", "Track Your Spending",
            "Save for a Vacation", "Pay Off Credit Card Debt", "Cut Grocery Costs",
            "Lower Your Utility Bills", "Use Cash Envelopes", "Plan for Irregular Expenses",
            "Save Money on a Low Income",
        ],
        "Careers": [
            "Write a Cover Letter", "Prepare for a Job Interview", "Ask for a Raise",
            "Write a Resume", "Negotiate a Salary", "Follow Up After an Interview",
            "Quit a Job Politely", "Network at an Event", "Write a Thank You Email",
            "Change Careers",
        ],
        "Small Business": [
            "Write a Business Plan", "Price a Product", "Open a Business Bank Account",
            "Register a Business Name", "Find Your First Customers", "Create an Invoice",
            "Hire Your First Employee", "Start a Home Bakery", "Sell Crafts Online",
            "Run a Garage Sale",
        ],
    },
    "Education and Communications": {
        "Studying": [
            "Take Better Notes", "Study for a Test", "Memorize Vocabulary", "Stop Procrastinating",
            "Outline an Essay", "Read Faster", "Make Flash Cards", "Study with a Group",
            "Prepare for Finals", "Stay Focused While Studying",
        ],
        "Writing": [
            "Write a Haiku", "Write a Short Story", "Start a Journal", "Write a Persuasive Essay",
            "Cite a Website", "Proofread Your Writing", "Write a Speech", "Write a Poem",
            "Write a Book Review", "Beat Writer's Block",
        ],
        "Languages": [
            "Learn Spanish Fast", "Practice Pronunciation", "Count to Ten in French",
            "Learn Sign Language Basics", "Say Hello in Japanese", "Roll Your R",
            "Learn the Greek Alphabet", "Find a Language Exchange Partner",
            "Think in Another Language", "Learn Grammar Rules",
        ],
    },
    "Sports and Fitness": {
        "Ball Sports": [
            "Shoot a Free Throw", "Dribble a Basketball", "Throw a Spiral", "Serve a Volleyball",
            "Kick a Soccer Ball", "Hit a Baseball", "Bowl a Cricket Ball", "Pass a Soccer Ball",
            "Catch a Football", "Shoot a Layup",
        ],
        "Outdoor Recreation": [
            "Pitch a Tent", "Start a Campfire", "Read a Topographic Map",
            "Pack a Backpack for Hiking", "Filter Water While Camping", "Tie a Bowline Knot",
            "Paddle a Kayak", "Set Up a Hammock", "Hike Safely Alone", "Use a Compass",
        ],
        "Swimming": [
            "Swim Freestyle", "Float on Your Back", "Do a Flip Turn", "Tread Water",
            "Swim Breaststroke", "Dive into a Pool", "Breathe While Swimming",
            "Choose Swim Goggles", "Get Over a Fear of Water", "Swim Butterfly",
        ],
    },
    "Personal Care and Style": {
        "Hair Care": [
            "Braid Your Own Hair", "Curl Hair with a Straightener", "Tame Frizzy Hair",
            "Cut Your Own Bangs", "Wash Curly Hair", "Do a French Braid", "Air Dry Hair",
            "Tie a Messy Bun", "Dye Hair at Home", "Grow Out a Pixie Cut",
        ],
        "Clothing": [
            "Fold a Fitted Sheet", "Iron a Dress Shirt", "Remove a Grass Stain", "Tie a Tie",
            "Shrink a Sweater", "Remove Pilling from Sweaters", "Polish Leather Shoes",
            "Pack a Suitcase", "Wash a Wool Sweater", "Fold T Shirts",
        ],
        "Skin Care": [
            "Build a Skin Care Routine", "Exfoliate Your Face", "Choose a Sunscreen",
            "Treat Dry Skin", "Use a Face Mask", "Shave Without Irritation", "Care for Oily Skin",
            "Moisturize Dry Hands", "Wash Your Face Properly", "Reduce Puffy Eyes",
        ],
    },
    "Travel": {
        "Trip Planning": [
            "Plan a Road Trip", "Find Cheap Flights", "Pack Light", "Get a Passport",
            "Travel with Kids", "Make a Travel Itinerary", "Exchange Currency",
            "Choose Travel Insurance", "Plan a Weekend Getaway", "Travel on a Budget",
        ],
        "Air Travel": [
            "Get Through Airport Security", "Check In Online", "Choose a Plane Seat",
            "Handle a Delayed Flight", "Pack a Carry On", "Avoid Ear Pain on a Plane",
            "Find Lost Luggage", "Fly with a Pet", "Make a Tight Connection",
            "Stay Comfortable on a Long Flight",
        ],
        "Living Abroad": [
            "Rent an Apartment Abroad", "Use Public Transit in a New City", "Learn Local Customs",
            "Stay Safe While Traveling", "Use a Phone Abroad", "Find a Good Hostel",
            "Tip in Another Country", "Order Food in a Foreign Language", "Handle Culture Shock",
            "Send Postcards Home",
        ],
    },
}

# Appended to a topic to make near-duplicate "How to ..." titles.
QUALIFIERS = [
    "Quickly", "at Home", "Without Special Tools", "for Beginners", "Safely", "on a Budget",
    "in a Few Simple Steps", "Like a Pro", "the Easy Way", "When You Are Short on Time",
    "Step by Step", "Without Making a Mess", "for the First Time", "with Kids",
    "in Under an Hour", "the Right Way", "Without Stress", "in Any Season",
]

# Other wikiHow title shapes; never chosen as a task's target article.
LIST_TITLES = ["Easy Ways to {t}", "Simple Ways to {t}", "{n} Ways to {t}", "Tips to {t}"]

INTROS = [
    "Learning to {task} is a handy skill that takes less effort than most people expect. "
    "This article covers the basics, from getting ready to checking your work.",
    "Whether it is your first attempt or you want a refresher, you can {task} with a little "
    "preparation. Follow the steps below and adapt them to your situation.",
    "Plenty of people put off having to {task} because it looks complicated. Broken into "
    "small steps, it is manageable for almost anyone.",
    "If you need to {task}, you do not have to call in a professional. A clear plan and a bit "
    "of patience go a long way.",
    "This guide shows one reliable way to {task}. Read it through once, then work through "
    "it at your own pace.",
    "Getting ready is half the job when you want to {task}. Below you will find what to "
    "prepare, what to do, and how to tell that it worked.",
    "Want to {task} without the usual trial and error? These steps collect practical advice "
    "that readers and reviewers found useful.",
    "Knowing how to {task} saves time and frustration later. Start with the first step and "
    "move on only when each one feels comfortable.",
]

STEPS = [
    "Read every step before you start. Knowing the whole plan makes it easier to {task} "
    "without backtracking.",
    "Gather your supplies. Lay out everything you need on a clean, flat surface so nothing "
    "goes missing halfway through.",
    "Pick a good time and place. Good light and a few spare minutes make a big difference.",
    "Start with the simplest part. Early wins build momentum and show you how the rest will go.",
    "Work slowly at first. Speed comes with practice, and accuracy matters more the first few "
    "times you {task}.",
    "Check your progress often. Pause after each stage and compare the result with what you "
    "expected.",
    "Fix small problems right away. A minor slip is easy to correct now and much harder later.",
    "Keep safety in mind. Wear protective gear if the job calls for it and keep children and "
    "pets at a distance.",
    "Ask for help if you get stuck. A friend, a neighbor, or a local expert can often spot the "
    "problem in seconds.",
    "Follow the maker's directions where they apply. They take priority over general advice "
    "like this guide.",
    "Take short breaks. Tired hands and eyes make more mistakes.",
    "Tidy up as you go. A clear workspace keeps you calm and helps you notice anything out of "
    "place.",
    "Test the result. Try it out gently before you rely on it.",
    "Write down what worked. The next time you {task}, your notes will save you time.",
    "Make a small adjustment if something feels off. Tiny changes are usually enough.",
    "Repeat the routine on a regular schedule. Doing it little and often keeps the job easy.",
    "Use the right tool for each part. Improvised tools slip, scratch, and slow you down.",
    "Measure twice before you commit. Double-checking takes seconds and prevents costly redos.",
    "Set a timer if a step depends on timing. Guessing is the most common reason this goes "
    "wrong.",
    "Warm up first. A few minutes of preparation helps whether you are using your hands, your "
    "body, or a machine.",
    "Keep a spare on hand. Extra supplies mean a small accident will not stop you.",
    "Watch for warning signs. Unusual smells, sounds, or pain mean you should stop and "
    "reassess.",
    "Finish with a final check. Look over everything one more time before you call it done.",
    "Practice on something that does not matter. A trial run takes the pressure off the real "
    "thing.",
    "Be patient with yourself. Most people need a few attempts to {task} smoothly.",
    "Clean your tools afterward. Well-kept equipment lasts longer and works better next time.",
    "Split the job into short sessions if it feels like too much. Fifteen focused minutes beat "
    "an hour of frustration.",
    "Compare a few methods. If one approach does not suit you, another often will.",
]

REFERENCE_SOURCES = [
    "practicalskills", "homeguide", "learninghub", "fieldnotes", "dailyhowto", "makersjournal",
    "wellnessdesk", "techbasics", "outdoorcouncil", "kitchenlab", "petcarecenter",
    "moneywise", "studycorner", "travelbrief", "styleatlas", "safetyboard",
]

FIRST_NAMES = [
    "Alicia", "Bram", "Carmen", "Dmitri", "Elena", "Farid", "Greta", "Hiroshi", "Ines",
    "Jonah", "Keiko", "Luca", "Marisol", "Nadia", "Oskar", "Priya", "Quentin", "Rosa",
    "Samir", "Tamsin", "Uma", "Viktor", "Wren", "Ximena", "Yusuf", "Zara", "Amara", "Bennett",
    "Celeste", "Dario", "Esme", "Felix", "Gianna", "Hugo", "Isla", "Jasper", "Kira", "Leon",
]

LAST_NAMES = [
    "Abernathy", "Bellweather", "Castellano", "Dunmore", "Eskildsen", "Fairbanks", "Galloway",
    "Hartigan", "Ivanova", "Jorgensen", "Kowalczyk", "Lindqvist", "Marchetti", "Nakamura",
    "Okonkwo", "Petrakis", "Quimby", "Rasmussen", "Solano", "Thorne", "Underhill", "Valdez",
    "Whitlock", "Yamamoto", "Zeller", "Ashdown", "Brightwater", "Calloway", "Delacroix",
    "Ellsworth",
]

# expert roles per top category
ROLES: dict[str, list[str]] = {
    "Cars and Other Vehicles": ["Automotive Technician", "Driving Instructor", "Bicycle Mechanic"],
    "Home and Garden": ["Professional Cleaner", "Master Gardener", "Licensed Contractor"],
    "Food and Entertaining": ["Professional Chef", "Pastry Chef", "Barista Trainer"],
    "Computers and Electronics": ["IT Support Specialist", "Software Engineer", "Electronics Technician"],
    "Health": ["Certified Personal Trainer", "Sleep Specialist", "Registered Nurse"],
    "Hobbies and Crafts": ["Craft Instructor", "Textile Artist", "Art Teacher"],
    "Pets and Animals": ["Dog Trainer", "Veterinary Technician", "Animal Care Specialist"],
    "Finance and Business": ["Financial Planner", "Career Coach", "Small Business Consultant"],
    "Education and Communications": ["Academic Tutor", "Writing Coach", "Language Teacher"],
    "Sports and Fitness": ["Sports Coach", "Outdoor Guide", "Swim Instructor"],
    "Personal Care and Style": ["Hair Stylist", "Wardrobe Consultant", "Licensed Esthetician"],
    "Travel": ["Travel Writer", "Flight Attendant", "Travel Planner"],
}

STAFF_NAME = "wikiHow Staff"
STAFF_ROLE = "wikiHow Staff Writer"
STAFF_BIO = (
    "The wikiHow staff team writes and edits articles together, checking each method against "
    "reader feedback and trusted sources before it is published."
)

BIO = (
    "{name} has spent {years} years working as a {role} and enjoys turning tricky topics into "
    "clear, practical advice."
)

ABOUT_PARAGRAPHS = [
    "wikiHow is a collaborative how-to guide. Articles are written and improved by many people "
    "working together, and each one is reviewed before it is published.",
    "Expert co-authors: many articles are checked by people with professional experience in "
    "the subject they cover.",
    "Testing: editors try the methods out where they can, so the steps match what really "
    "happens.",
    "Sources: articles list their references so readers can check the facts for themselves.",
]

STOPWORDS = {
    "a", "an", "the", "to", "how", "of", "for", "in", "on", "at", "by", "with", "and", "or",
    "your", "you", "from", "into", "off", "is", "up", "out",
}

# words that keep their capital letters inside a sentence
KEEP_CASE = {"French", "Spanish", "Japanese", "Greek", "PC", "RAM", "R", "T", "Al", "Dente"}
